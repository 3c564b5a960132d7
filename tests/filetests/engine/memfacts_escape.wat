;; Memory facts must not outlive what can change the memory behind them
;; (specialize/memfacts.rs). Each function's result depends on a store the
;; specializer cannot see; forwarding a stale fact would change it.
;; - frame: a frame cell whose address is passed to a call ($poke writes
;;   42 there) is reloaded after the call;
;; - alias: two runtime pointers may be the same address;
;; - unknown: a store through a pointer loaded from memory may hit a cell
;;   written at a constant address.
;; run: main(5) == 1242054
;; run: main(0) == 1242049
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32) (result i32)))
  (global $sp (mut i32) (i32.const 0x8000))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $f)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=3, num_globals=0, func=1, argbuf=0x300, arglen=16, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\03\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  ;; arg 0: runtime i32
  (data (i32.const 0x300) "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00")
  ;; 0x500 holds the pointer 0x600
  (data (i32.const 0x500) "\00\06\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $poke (param i32) (i32.store (local.get 0) (i32.const 42)))
  (func $nothing)
  ;; The three cases, in the requested function itself (a frame needs
  ;; the prologue in the entry block).
  (func $f (param $n i32) (result i32)
    (local $fp i32) (local $r i32) (local $a i32) (local $b i32)
    (local.set $fp (i32.sub (global.get $sp) (i32.const 16)))
    (global.set $sp (local.get $fp))
    (call $push (i32.const 0))
    ;; $frame
    (i32.store offset=8 (local.get $fp) (local.get $n))
    (i32.store offset=4 (local.get $fp) (i32.const 7))
    (call $nothing)
    (call $poke (i32.add (local.get $fp) (i32.const 8)))
    (local.set $r (i32.add (i32.load offset=8 (local.get $fp)) (i32.load offset=4 (local.get $fp))))
    ;; $alias: a and b are the same runtime address
    (local.set $a (i32.add (i32.const 0x700) (i32.and (local.get $n) (i32.const 0))))
    (local.set $b (i32.add (i32.const 0x700) (i32.and (local.get $n) (i32.const 0x10000))))
    (i32.store (local.get $a) (i32.const 1))
    (i32.store (local.get $b) (i32.const 2))
    (local.set $r (i32.add (local.get $r) (i32.mul (i32.load (local.get $a)) (i32.const 1000))))
    ;; $unknown
    (i32.store (i32.const 0x600) (i32.const 1))
    (i32.store (i32.load (i32.const 0x500)) (i32.const 5))
    (local.set $r (i32.add (local.get $r) (i32.mul (i32.load (i32.const 0x600)) (i32.const 248000))))
    (call $pop)
    (global.set $sp (i32.add (local.get $fp) (i32.const 16)))
    (i32.add (local.get $r) (local.get $n)))
  (func (export "main") (param $n i32) (result i32)
    (call_indirect (type $t) (local.get $n)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
