;; The interpreter of memfacts_disjoint.wat without pweval.disjoint: a
;; store through the VM pointer may write the registers (two arguments may
;; point to the same place), so the instruction after one reloads them.
;; Registers: +16 acc, +24 n. VM: +0 pc, +32 divisor, +40 quotient, +48 n.
;; Program: 0: ADD; 1: DEC; 2: JNZ 0; 4: HALT  -> 3 * n
;; check-in: $interp.pweval.9
;; check: loop
;; check: i64.load offset=16
;; check: i32.load offset=24
;; run: main(10) == 30
;; run: main(1) == 3
;; run: q(10) == 3
;; run: q(29) == 8
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=9, num_globals=0, func=1, argbuf=0x300, arglen=56, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\09\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\38\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer of 8 bytes (the code); args 1, 2: runtime i32
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\08\00\00\00"
                          "\00\01\02\00\03\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (data (i32.const 0x340) "\00\01\02\00\03\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $interp (param $code i32) (param $regs i32) (param $vm i32) (result i64)
    (local $pc i32) (local $r i32)
    (local.set $r (local.get $regs))
    (i64.store offset=16 (local.get $r) (i64.const 0))
    (i64.store offset=24 (local.get $r) (i64.load offset=48 (local.get $vm)))
    (call $push (i32.const 0))
    (block $halt
      (loop $next
        (block $jnz
          (block $dec
            (block $add
              (br_table $add $dec $jnz $halt
                (i32.load8_u (i32.add (local.get $code) (local.get $pc)))))
            ;; ADD: acc += 3
            (i64.store offset=16 (local.get $r) (i64.add (i64.load offset=16 (local.get $r)) (i64.const 3)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
            (i32.store (local.get $vm) (local.get $pc))
            (call $update (local.get $pc))
            (br $next))
          ;; DEC: n -= 1; quotient = acc / divisor
          (i64.store offset=24 (local.get $r) (i64.sub (i64.load offset=24 (local.get $r)) (i64.const 1)))
          (i64.store offset=40 (local.get $vm)
            (i64.div_s (i64.load offset=16 (local.get $r)) (i64.load offset=32 (local.get $vm))))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (i32.store (local.get $vm) (local.get $pc))
          (call $update (local.get $pc))
          (br $next))
        ;; JNZ target (n's low half)
        (if (i32.ne (i32.load offset=24 (local.get $r)) (i32.const 0))
          (then (local.set $pc (i32.load8_u offset=1 (i32.add (local.get $code) (local.get $pc)))))
          (else (local.set $pc (i32.add (local.get $pc) (i32.const 2)))))
        (i32.store (local.get $vm) (local.get $pc))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (i64.load offset=16 (local.get $r)))
  ;; registers at 0x500, the VM at 0x600 (divisor 10)
  (func $main (export "main") (param $n i64) (result i64)
    (i64.store (i32.const 0x630) (local.get $n))
    (i64.store (i32.const 0x620) (i64.const 10))
    (call_indirect (type $t) (i32.const 0x340) (i32.const 0x500) (i32.const 0x600)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "q") (param $n i64) (result i64)
    (drop (call $main (local.get $n)))
    (i64.load (i32.const 0x628)))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
