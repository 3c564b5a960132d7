;; pweval.outside (specialize/memfacts.rs, "Disjoint roots"): the
;; interpreter's register file ($regs) is declared an object of its own,
;; and OUT stores the accumulator through a pointer it loads from the VM
;; struct, declared outside every such object: the stores through it leave
;; what is known of the registers, so no register is reloaded in the loop
;; (without the declaration, a store through a loaded pointer forgets
;; everything). OUT then writes through a second pointer, loaded from
;; another field that holds the same address: the two roots are the same
;; bytes at run time, so what the first knew is forgotten, and the reload
;; through it sees the second store (o1 == o0).
;; Registers: +16 acc, +24 n. VM: +0 pc, +48 n, +56 and +60 out pointer.
;; Program: 0: ADD; 1: OUT; 2: DEC; 3: JNZ 0; 5: HALT  -> 3 * n
;; check-in: $interp.pweval.9
;; check: loop
;; check-not: i64.load offset=16
;; check-not: i64.load offset=24
;; check: i64.store offset=8
;; run: main(10) == 30
;; run: main(1) == 3
;; run: o0(10) == 31
;; run: o1(10) == 31
;; run: o1(4) == 13
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "pweval.disjoint" (func $disjoint (param i32) (result i32)))
  (import "weval" "pweval.outside" (func $outside (param i32) (result i32)))
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
                          "\00\01\02\03\00\04\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (data (i32.const 0x340) "\00\01\02\03\00\04\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $interp (param $code i32) (param $regs i32) (param $vm i32) (result i64)
    (local $pc i32) (local $r i32) (local $p i32) (local $q i32)
    (local.set $r (call $disjoint (local.get $regs)))
    (i64.store offset=16 (local.get $r) (i64.const 0))
    (i64.store offset=24 (local.get $r) (i64.load offset=48 (local.get $vm)))
    (call $push (i32.const 0))
    (block $halt
      (loop $next
        (block $jnz
          (block $dec
            (block $out
              (block $add
                (br_table $add $out $dec $jnz $halt
                  (i32.load8_u (i32.add (local.get $code) (local.get $pc)))))
              ;; ADD: acc += 3
              (i64.store offset=16 (local.get $r) (i64.add (i64.load offset=16 (local.get $r)) (i64.const 3)))
              (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
              (i32.store (local.get $vm) (local.get $pc))
              (call $update (local.get $pc))
              (br $next))
            ;; OUT: out[0] = acc; out[0] = out[0] + 1 through a second copy
            ;; of the pointer; out[1] = out[0] through the first
            (local.set $p (call $outside (i32.load offset=56 (local.get $vm))))
            (i64.store (local.get $p) (i64.load offset=16 (local.get $r)))
            (local.set $q (call $outside (i32.load offset=60 (local.get $vm))))
            (i64.store (local.get $q) (i64.add (i64.load (local.get $p)) (i64.const 1)))
            (i64.store offset=8 (local.get $p) (i64.load (local.get $p)))
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
        (if (i32.ne (i32.load offset=24 (local.get $r)) (i32.const 0))
          (then (local.set $pc (i32.load8_u offset=1 (i32.add (local.get $code) (local.get $pc)))))
          (else (local.set $pc (i32.add (local.get $pc) (i32.const 2)))))
        (i32.store (local.get $vm) (local.get $pc))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (i64.load offset=16 (local.get $r)))
  ;; registers at 0x500, the VM at 0x600, the output at 0x700
  (func $main (export "main") (param $n i64) (result i64)
    (i64.store (i32.const 0x630) (local.get $n))
    (i32.store (i32.const 0x638) (i32.const 0x700))
    (i32.store (i32.const 0x63c) (i32.const 0x700))
    (call_indirect (type $t) (i32.const 0x340) (i32.const 0x500) (i32.const 0x600)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "o0") (param $n i64) (result i64)
    (drop (call $main (local.get $n)))
    (i64.load (i32.const 0x700)))
  (func (export "o1") (param $n i64) (result i64)
    (drop (call $main (local.get $n)))
    (i64.load (i32.const 0x708)))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
