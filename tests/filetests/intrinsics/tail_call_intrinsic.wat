;; return_call to an intrinsic becomes its generic sequence plus return.
;; check-not: (import "weval"
;; run: f(11) == 11
(module
  (import "weval" "specialize.value" (func $spec_value (param i32 i32 i32) (result i32)))
  (func (export "f") (param i32) (result i32)
    (return_call $spec_value (local.get 0) (i32.const 0) (i32.const 100))))
