;; A register written with two types (specialize/convert.rs, `twin`): the
;; entry stores acc as an i64, ADD stores it as an f64 (the shape of
;; clang's merged integer and float store in Lua's arithmetic:
;; `f64.store` of `f64.reinterpret_i64` of the sum). At the loop head the
;; entry edge knows the cell as an i64 and the back edge as an f64; the
;; join keeps it, converting on the back edge, so acc is not reloaded in
;; the loop, and the conversion pair folds away (reinterpret.rs). Without the
;; twin meet, acc's fact was dropped at the head and every ADD reloaded it.
;; Registers: +16 acc, +24 n.
;; Program: 0: ADD; 1: DEC; 2: JNZ 0; 4: HALT  -> 3 * n
;; check-in: $interp.pweval.9
;; check: loop
;; check-not: i64.load offset=16
;; check-not: i64.reinterpret_f64
;; check: f64.store offset=16
;; run: main(10) == 30
;; run: main(1) == 3
;; run: main(1000) == 3000
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "pweval.disjoint" (func $disjoint (param i32) (result i32)))
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
    (local.set $r (call $disjoint (local.get $regs)))
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
            ;; ADD: acc += 3, stored as the f64 with the sum's bits
            (f64.store offset=16 (local.get $r)
              (f64.reinterpret_i64 (i64.add (i64.load offset=16 (local.get $r)) (i64.const 3))))
            (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
            (i32.store (local.get $vm) (local.get $pc))
            (call $update (local.get $pc))
            (br $next))
          ;; DEC: n -= 1
          (i64.store offset=24 (local.get $r) (i64.sub (i64.load offset=24 (local.get $r)) (i64.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (i32.store (local.get $vm) (local.get $pc))
          (call $update (local.get $pc))
          (br $next))
        ;; JNZ target
        (if (i64.ne (i64.load offset=24 (local.get $r)) (i64.const 0))
          (then (local.set $pc (i32.load8_u offset=1 (i32.add (local.get $code) (local.get $pc)))))
          (else (local.set $pc (i32.add (local.get $pc) (i32.const 2)))))
        (i32.store (local.get $vm) (local.get $pc))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (i64.load offset=16 (local.get $r)))
  ;; registers at 0x500, the VM at 0x600
  (func $main (export "main") (param $n i64) (result i64)
    (i64.store (i32.const 0x630) (local.get $n))
    (call_indirect (type $t) (i32.const 0x340) (i32.const 0x500) (i32.const 0x600)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
