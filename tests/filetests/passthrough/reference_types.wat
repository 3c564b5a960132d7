;; externref and funcref tables, table.grow/get/set, ref.is_null, several tables.
;; expect: identical
;; run: grow_ext(3) == 2
;; run: ext_null(4) == 1
;; run: funcs() == 11
;; run: ext_null(9) traps
(module
  (table $ext 2 externref)
  (table $fn 2 funcref)
  (elem (table $fn) (i32.const 1) func $eleven)
  (type $t (func (result i32)))
  (func $eleven (result i32) (i32.const 11))
  (func (export "grow_ext") (param i32) (result i32) (table.grow $ext (ref.null extern) (local.get 0)))
  (func (export "ext_null") (param i32) (result i32) (ref.is_null (table.get $ext (local.get 0))))
  (func (export "funcs") (result i32)
    (table.set $fn (i32.const 0) (table.get $fn (i32.const 1)))
    (call_indirect $fn (type $t) (i32.const 0)))
  (func (export "ident") (param externref) (result externref) (local.get 0)))
