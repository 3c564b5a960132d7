;; Active, passive and declarative element segments; call_indirect and table.init.
;; expect: identical
;; run: call(0) == 10
;; run: call(1) == 20
;; run: call(2) traps
;; run: init_and_call(2) == 30
;; run: init_and_call(2) traps
(module
  (type $t (func (result i32)))
  (table $tab 4 funcref)
  (elem (i32.const 0) $ten $twenty)
  (elem $pass func $thirty)
  (elem declare func $decl)
  (func $ten (result i32) (i32.const 10))
  (func $twenty (result i32) (i32.const 20))
  (func $thirty (result i32) (i32.const 30))
  (func $decl (result i32) (i32.const 40))
  (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
  (func (export "init_and_call") (param i32) (result i32)
    (table.init $pass (local.get 0) (i32.const 0) (i32.const 1))
    (elem.drop $pass)
    (call_indirect (type $t) (local.get 0)))
  (func (export "declared") (result funcref) (ref.func $decl)))
