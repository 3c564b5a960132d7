;; A write.local through an address that is not a slot pweval caches (a
;; frame address, not relative to an argument) writes memory; a memory fact
;; about those bytes must not survive it (specialize/memfacts.rs).
;; run: main(5) == 12
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "write.local" (func $write_local (param i32 i32 i64)))
  (type $t (func (param i64) (result i64)))
  (global $sp (mut i32) (i32.const 0x8000))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $f)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=4, num_globals=0, func=1, argbuf=0x300, arglen=16, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  ;; arg 0: runtime i64
  (data (i32.const 0x300) "\00\00\00\00" "\01\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $f (param $n i64) (result i64)
    (local $fp i32) (local $r i64)
    (local.set $fp (i32.sub (global.get $sp) (i32.const 16)))
    (global.set $sp (local.get $fp))
    (call $push (i32.const 0))
    (i64.store offset=8 (local.get $fp) (local.get $n))
    (drop (i64.load offset=8 (local.get $fp)))
    (call $write_local (i32.add (local.get $fp) (i32.const 8)) (i32.const 1) (i64.const 7))
    (local.set $r (i64.add (i64.load offset=8 (local.get $fp)) (local.get $n)))
    (call $pop)
    (global.set $sp (i32.add (local.get $fp) (i32.const 16)))
    (local.get $r))
  (func (export "main") (param $n i64) (result i64)
    (call_indirect (type $t) (local.get $n)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
