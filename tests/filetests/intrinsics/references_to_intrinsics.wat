;; An intrinsic whose address is taken (ref.func, element, export) is
;; replaced by a stub function with the generic meaning; functions after the
;; removed imports are renumbered everywhere (calls, elements, exports,
;; start, names).
;; check-not: (import "weval"
;; check: (func $after_imports
;; check: (func $pweval.generic.specialize.value
;; run: via_table(9) == 9
;; run: exported_value(4, 0, 0) == 4
;; run: direct() == 42
;; run: started() == 1
(module
  (import "env" "log" (func $log (param i32)))
  (import "weval" "specialize.value" (func $spec_value (param i32 i32 i32) (result i32)))
  (import "weval" "trace.line" (func $trace (param i32)))
  (type $v3 (func (param i32 i32 i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $spec_value $after_imports)
  (export "exported_value" (func $spec_value))
  (global $started (mut i32) (i32.const 0))
  (func $after_imports (param i32 i32 i32) (result i32) (i32.const 42))
  (func $start (global.set $started (i32.const 1)) (call $trace (i32.const 1)))
  (start $start)
  (func (export "via_table") (param i32) (result i32)
    (call_indirect (type $v3) (local.get 0) (i32.const 0) (i32.const 0) (i32.const 0)))
  (func (export "direct") (result i32)
    (call $log (i32.const 1))
    (call_indirect (type $v3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "started") (result i32) (global.get $started))
  (func (export "fref") (result funcref) (ref.func $spec_value)))
