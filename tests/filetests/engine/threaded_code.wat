;; Threaded code in Wasm3's style: each operation tail-calls the next
;; through the table slot stored in the compiled code (a constant buffer).
;; The request is on $run, which calls the trampoline $start (not a tail
;; call), which tail-calls the first operation. pweval inlines $start, turns
;; the operations' indirect tail calls into jumps through a dispatch on the
;; slot, and the slot loaded from the constant code folds: one function, no
;; indirect call left, the bytecode's loop a loop.
;; Program: loop: ADD 3; DEC; JNZ loop; HALT  -> 3 * n
;; check: (func $run.pweval.7
;; check-in: $run.pweval.7
;; check-not: call_indirect
;; check-not: return_call
;; check-not: i32.load
;; run: main(10) == 30
;; run: main(1000000) == 3000000
;; run: main(0) == 3
;; run-output: slot() == 6
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $op_t (func (param i32 i32 i64 i64) (result i64)))
  (type $run_t (func (param i32 i64) (result i64)))
  (memory (export "memory") 1)
  (table 6 funcref)
  (elem (i32.const 1) $op_add $op_dec $op_jnz $op_halt $run)
  ;; list head pointer @0x100 -> request @0x200; flag @0x104
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: next, prev, user_id=7, num_globals=0, func=5 ($run's slot), argbuf=0x300, arglen=64, specialized=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\07\00\00\00" "\00\00\00\00"
                          "\05\00\00\00" "\00\03\00\00" "\40\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer of 32 bytes (the compiled code: slot, operand
  ;; per instruction); arg 1: runtime i64
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\20\00\00\00" "\20\00\00\00"
                          "\01\00\00\00" "\03\00\00\00"  ;; 0: ADD 3
                          "\02\00\00\00" "\00\00\00\00"  ;; 8: DEC
                          "\03\00\00\00" "\00\00\00\00"  ;; 16: JNZ 0
                          "\04\00\00\00" "\00\00\00\00"  ;; 24: HALT
                          "\00\00\00\00" "\01\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "weval.is.wevaled") (result i32) (i32.const 0x104))
  (func $next (param $code i32) (param $pc i32) (param $acc i64) (param $n i64) (result i64)
    (call $update (local.get $pc))
    (return_call_indirect (type $op_t) (local.get $code) (local.get $pc) (local.get $acc) (local.get $n)
      (i32.load (i32.add (local.get $code) (local.get $pc)))))
  (func $op_add (param $code i32) (param $pc i32) (param $acc i64) (param $n i64) (result i64)
    (return_call $next (local.get $code) (i32.add (local.get $pc) (i32.const 8))
      (i64.add (local.get $acc) (i64.load32_s offset=4 (i32.add (local.get $code) (local.get $pc))))
      (local.get $n)))
  (func $op_dec (param $code i32) (param $pc i32) (param $acc i64) (param $n i64) (result i64)
    (call $update (i32.add (local.get $pc) (i32.const 8)))
    (return_call_indirect (type $op_t) (local.get $code) (i32.add (local.get $pc) (i32.const 8))
      (local.get $acc) (i64.sub (local.get $n) (i64.const 1))
      (i32.load offset=8 (i32.add (local.get $code) (local.get $pc)))))
  (func $op_jnz (param $code i32) (param $pc i32) (param $acc i64) (param $n i64) (result i64)
    (local $to i32)
    (local.set $to (select (i32.load offset=4 (i32.add (local.get $code) (local.get $pc)))
                           (i32.add (local.get $pc) (i32.const 8))
                           (i64.gt_s (local.get $n) (i64.const 0))))
    (call $update (local.get $to))
    (return_call_indirect (type $op_t) (local.get $code) (local.get $to) (local.get $acc) (local.get $n)
      (i32.load (i32.add (local.get $code) (local.get $to)))))
  (func $op_halt (param $code i32) (param $pc i32) (param $acc i64) (param $n i64) (result i64)
    (local.get $acc))
  (func $start (param $code i32) (param $n i64) (result i64)
    (return_call_indirect (type $op_t) (local.get $code) (i32.const 0) (i64.const 0) (local.get $n)
      (i32.load (local.get $code))))
  (func $run (param $code i32) (param $n i64) (result i64)
    (local $r i64)
    (call $push (i32.const 0))
    (local.set $r (call $start (local.get $code) (local.get $n)))
    (call $pop)
    (local.get $r))
  (func (export "main") (param $n i64) (result i64)
    (call_indirect (type $run_t) (i32.const 0x310) (local.get $n)
      (select (i32.load (i32.const 0x400)) (i32.const 5) (i32.load (i32.const 0x400)))))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
