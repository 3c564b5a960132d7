;; The start function runs at instantiation, in the output too.
;; expect: identical
;; run: get() == 42
(module
  (global $g (mut i32) (i32.const 0))
  (func $init (global.set $g (i32.const 42)))
  (start $init)
  (func (export "get") (result i32) (global.get $g)))
