;; Stores of what memory is known to hold already are not emitted
;; (specialize/memfacts.rs, "Redundant stores"); every other store stays.
;; The VM struct is behind a runtime pointer argument: +0 acc, +8 a type
;; tag (one byte), +16 n, +32 aux.
;; - ADD stores the tag constant the prologue stored, through another
;;   spelling of the address (vm + 4, offset=4): the fact survives the
;;   loop's other stores (other cells of the same root), so it goes.
;; - DEC writes aux back unchanged (vm + 4, offset=28): it goes.
;; - after HALT, a call that may write memory, then the tag again
;;   (vm + 1, offset=7): it stays, and memory matches the input's;
;; - then the tag's byte through an i64.store8 of 0x203: it goes; aux's low
;;   half through an i64.store32 (stays), then as an i32.store of the same
;;   bits: it goes.
;; Program: 0: ADD; 1: DEC; 2: JNZ 0; 4: HALT  -> 3 * n
;; check-in: $interp.pweval.9
;; check: loop
;; check-not: i32.store8 offset=4
;; check-not: i64.store offset=28
;; check: i32.store8 offset=7
;; check: i32.store8 offset=8
;; check-not: i64.store8 offset=8
;; check: i64.store32 offset=32
;; check-not: i32.store offset=32
;; run: main(10) == 30
;; run: main(1) == 3
;; run: tag() == 3
;; run: aux() == 7
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=9, num_globals=0, func=1, argbuf=0x300, arglen=40, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\09\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\28\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer of 8 bytes (the code); arg 1: runtime i32 (the VM)
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\08\00\00\00"
                          "\00\01\02\00\03\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (data (i32.const 0x310) "\00\01\02\00\03\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  ;; Overwrites the tag: memory the specialized code cannot know about.
  (func $clobber (param $vm i32)
    (i32.store8 offset=8 (local.get $vm) (i32.const 5)))
  (func $interp (param $code i32) (param $vm i32) (result i64)
    (local $pc i32)
    (i32.store8 offset=8 (local.get $vm) (i32.const 3))
    (call $push (i32.const 0))
    (block $halt
      (loop $next
        (block $jnz
          (block $dec
            (block $add
              (br_table $add $dec $jnz $halt
                (i32.load8_u (i32.add (local.get $code) (local.get $pc)))))
            ;; ADD: acc += 3, and the tag again
            (i64.store (local.get $vm) (i64.add (i64.load (local.get $vm)) (i64.const 3)))
            (i32.store8 offset=4 (i32.add (local.get $vm) (i32.const 4)) (i32.const 3))
            (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
            (call $update (local.get $pc))
            (br $next))
          ;; DEC: n -= 1, aux written back as it is
          (i64.store offset=16 (local.get $vm) (i64.sub (i64.load offset=16 (local.get $vm)) (i64.const 1)))
          (i64.store offset=28 (i32.add (local.get $vm) (i32.const 4)) (i64.load offset=32 (local.get $vm)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (call $update (local.get $pc))
          (br $next))
        ;; JNZ target
        (if (i64.ne (i64.load offset=16 (local.get $vm)) (i64.const 0))
          (then (local.set $pc (i32.load8_u offset=1 (i32.add (local.get $code) (local.get $pc)))))
          (else (local.set $pc (i32.add (local.get $pc) (i32.const 2)))))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (call $clobber (local.get $vm))
    (i32.store8 offset=7 (i32.add (local.get $vm) (i32.const 1)) (i32.const 3))
    ;; The same bytes written through other widths: a narrow i64 store of a
    ;; constant is its low bytes.
    (i64.store8 offset=8 (local.get $vm) (i64.const 0x203))
    (i64.store32 offset=32 (local.get $vm) (i64.const 0x100000007))
    (i32.store offset=32 (local.get $vm) (i32.const 7))
    (i64.load (local.get $vm)))
  (func (export "main") (param $n i64) (result i64)
    (i64.store (i32.const 0x800) (i64.const 0))
    (i64.store (i32.const 0x810) (local.get $n))
    (i64.store (i32.const 0x820) (i64.const 77))
    (call_indirect (type $t) (i32.const 0x310) (i32.const 0x800)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "tag") (result i32) (i32.load8_u (i32.const 0x808)))
  (func (export "aux") (result i64) (i64.load (i32.const 0x820)))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
