;; An unknown "weval" import, or a known one with the wrong signature, is
;; kept (with a warning) rather than guessed at.
;; check: (import "weval" "future.intrinsic"
;; check: (import "weval" "trace.line"
;; run: f() == 0
(module
  (import "weval" "future.intrinsic" (func $future (param i32)))
  (import "weval" "trace.line" (func $bad_trace (param i64)))
  (import "weval" "pop.context" (func $pop))
  (func (export "f") (result i32) (call $future (i32.const 1)) (call $bad_trace (i64.const 1)) (call $pop) (i32.const 0)))
