;; The name section and other custom sections stay, in place.
;; expect: identical
;; check: (func $named_function
;; check: (@custom "first"
;; run: f() == 3
(module $modname
  (@custom "first" (before first) "at the start")
  (func $named_function (export "f") (result i32) (local $x i32) (i32.const 3))
  (@custom "middle" (after func) "after the function section")
  (@custom "last" (after last) "at the end"))
