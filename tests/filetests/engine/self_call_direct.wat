;; A requested function calling itself with its own constant argument
;; (Lua's body running a call of the frame's own prototype): pweval inlines
;; the call a few activations deep and makes the innermost one a call of
;; the request's own table slot (src/specialize/self_calls.rs). Table 0
;; cannot change here (not exported, imported or written), so the output
;; calls the specialized function directly instead of through the table
;; (src/module/rewrite.rs, direct_slot_call): no call_indirect is left.
;; check-in: $interp.pweval.1
;; check-not: call_indirect
;; check: call $interp.pweval.1
;; run: main(0) == 0
;; run: main(1) == 1
;; run: main(10) == 55
;; run: main(20) == 6765
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; the request: user id 1, function in slot 1, 2 arguments at 0x300, result slot 0x400
  (data (i32.const 0x200) "\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\00\03\00\00\30\00\00\00\00\04\00\00")
  ;; argument 0: a 16-byte buffer (the code: op 1, fib); argument 1: runtime
  (data (i32.const 0x300) "\01\00\00\00\04\00\00\00\10\00\00\00\10\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\ff\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 0x500) "\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  ;; op 1: x < 2 ? x : self(code, x - 1) + self(code, x - 2); any other op: -1
  (func $interp (param $code i32) (param $x i32) (result i32)
    (local $r i32)
    (call $push (i32.const 0))
    (if (i32.eq (i32.load (local.get $code)) (i32.const 1))
      (then
        (if (i32.lt_s (local.get $x) (i32.const 2))
          (then (local.set $r (local.get $x)))
          (else (local.set $r (i32.add
            (call $interp (local.get $code) (i32.sub (local.get $x) (i32.const 1)))
            (call $interp (local.get $code) (i32.sub (local.get $x) (i32.const 2))))))))
      (else (local.set $r (i32.const -1))))
    (call $pop)
    (local.get $r))
  (func (export "main") (param $x i32) (result i32)
    (local $idx i32)
    (local.set $idx (i32.load (i32.const 0x400)))
    (if (result i32) (local.get $idx)
      (then (call_indirect (type $t) (i32.const 0x500) (local.get $x) (local.get $idx)))
      (else (call $interp (i32.const 0x500) (local.get $x))))))
