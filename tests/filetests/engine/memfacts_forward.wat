;; An interpreter whose VM state lives in its shadow-stack frame, the PC
;; included, updated in two arms of a branch (JNZ) and reloaded before
;; update.context, with a call in the loop. Memory facts
;; (specialize/memfacts.rs) forward every reload: the frame never escapes,
;; so its facts survive the call, and the PC's cell is pinned, so the two
;; arms reach different blocks. No load is left; the stores stay.
;; Program: 0: ADD 3; 1: DEC; 2: JNZ 0; 4: HALT  -> 3 * n
;; check: (func $interp.pweval.9
;; check-in: $interp.pweval.9
;; check-not: i32.load
;; check-not: i64.load
;; check: loop
;; run: main(10) == 30
;; run: main(1) == 3
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32 i64) (result i64)))
  (global $sp (mut i32) (i32.const 0x8000))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=9, num_globals=0, func=1, argbuf=0x300, arglen=40, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\09\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\28\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer of 8 bytes (the code); arg 1: runtime i64
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\08\00\00\00"
                          "\00\01\02\00\03\00\00\00"
                          "\00\00\00\00" "\01\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (data (i32.const 0x310) "\00\01\02\00\03\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $nothing)
  ;; frame: +0 pc (i32), +8 acc (i64), +16 n (i64)
  (func $interp (param $code i32) (param $n i64) (result i64)
    (local $fp i32) (local $r i64)
    (local.set $fp (i32.sub (global.get $sp) (i32.const 32)))
    (global.set $sp (local.get $fp))
    (i32.store (local.get $fp) (i32.const 0))
    (i64.store offset=8 (local.get $fp) (i64.const 0))
    (i64.store offset=16 (local.get $fp) (local.get $n))
    (call $push (i32.const 0))
    (block $halt
      (loop $next
        (call $nothing)
        (block $jnz
          (block $dec
            (block $add
              (br_table $add $dec $jnz $halt
                (i32.load8_u (i32.add (local.get $code) (i32.load (local.get $fp))))))
            ;; ADD imm: acc += 3
            (i64.store offset=8 (local.get $fp) (i64.add (i64.load offset=8 (local.get $fp)) (i64.const 3)))
            (i32.store (local.get $fp) (i32.add (i32.load (local.get $fp)) (i32.const 1)))
            (call $update (i32.load (local.get $fp)))
            (br $next))
          ;; DEC: n -= 1
          (i64.store offset=16 (local.get $fp) (i64.sub (i64.load offset=16 (local.get $fp)) (i64.const 1)))
          (i32.store (local.get $fp) (i32.add (i32.load (local.get $fp)) (i32.const 1)))
          (call $update (i32.load (local.get $fp)))
          (br $next))
        ;; JNZ target: two stores of the PC in two arms
        (if (i64.ne (i64.load offset=16 (local.get $fp)) (i64.const 0))
          (then (i32.store (local.get $fp)
                  (i32.load8_u offset=1 (i32.add (local.get $code) (i32.load (local.get $fp))))))
          (else (i32.store (local.get $fp) (i32.add (i32.load (local.get $fp)) (i32.const 2)))))
        (call $update (i32.load (local.get $fp)))
        (br $next)))
    (call $pop)
    (local.set $r (i64.load offset=8 (local.get $fp)))
    (global.set $sp (i32.add (local.get $fp) (i32.const 32)))
    (local.get $r))
  (func (export "main") (param $n i64) (result i64)
    (call_indirect (type $t) (i32.const 0x310) (local.get $n)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
