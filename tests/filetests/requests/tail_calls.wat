;; A requested function that makes tail calls is specialized, and its tail
;; calls stay tail calls: the specialized $step calls itself (through its
;; table slot) a million times deep with return_call_indirect, and hands the
;; result to $done with return_call. Made ordinary calls, the stack would
;; overflow.
;; check: (func $step.pweval.7
;; check-in: $step.pweval.7
;; check: return_call_indirect
;; check: return_call $done
;; run: main(1000000) == 15000026
;; run: main(3) == 71
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $step_t (func (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $step)
  ;; list head pointer @0x100 -> request @0x200; flag @0x104
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: next, prev, user_id=7, num_globals=0, func=1, argbuf=0x300, arglen=56, specialized=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\07\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\38\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer, len 5, padded 8, bytes 1..5; arg 1, arg 2: runtime
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\05\00\00\00" "\08\00\00\00"
                          "\01\02\03\04\05\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00"
                          "\00\00\00\00" "\01\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "weval.is.wevaled") (result i32) (i32.const 0x104))
  ;; The function the table slot at 0x400 names (the specialized one in the
  ;; output, slot 1 = $step before).
  (func $self (result i32)
    (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400))))
  (func $step (param $p i32) (param $n i32) (param $acc i64) (result i64)
    (local $sum i64) (local $i i32)
    (call $push (i32.const 0))
    (block $summed
      (loop $next
        (br_if $summed (i32.eq (local.get $i) (i32.const 5)))
        (local.set $sum (i64.add (local.get $sum) (i64.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $pop)
    (if (i32.eqz (local.get $n))
      (then (return_call $done (i64.add (local.get $acc) (local.get $sum)))))
    (return_call_indirect (type $step_t)
      (local.get $p) (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $acc) (local.get $sum))
      (call $self)))
  (func $done (param i64) (result i64) (i64.add (local.get 0) (i64.const 11)))
  (func (export "main") (param $n i32) (result i64)
    (call_indirect (type $step_t) (i32.const 0x310) (local.get $n) (i64.const 0) (call $self)))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
