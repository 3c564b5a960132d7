;; A start function that traps makes instantiation fail the same way.
;; expect: identical
(module
  (func $init unreachable)
  (start $init)
  (func (export "never") (result i32) (i32.const 1)))
