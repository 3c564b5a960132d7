;; Traps stay traps, with the same cause.
;; expect: identical
;; run: div(1, 0) traps
;; run: div(-2147483648, -1) traps
;; run: oob() traps
;; run: unused_oob() traps
;; run: unreachable() traps
(module
  (memory 1)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "oob") (result i32) (i32.load (i32.const 65535)))
  (func (export "unused_oob") (drop (i64.load (i32.const 70000))))
  (func (export "unreachable") unreachable))
