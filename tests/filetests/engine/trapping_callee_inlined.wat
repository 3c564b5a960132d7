;; The requested function calls a helper that holds read.reg, which traps in
;; generic code (an accessor clang -Oz outlined). Left a call, it would trap
;; where the generic build works; pweval inlines it, so the specialized
;; function keeps the register in a value (engine/trapping_callee.wat: a
;; helper that cannot be inlined).
;; check-in: $run.pweval.6
;; check-not: call
;; run-output: slot() == 2
;; run: generic(5) traps
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "read.reg" (func $rr (param i64) (result i64)))
  (type $t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $run)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\06\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  (func $get (param $x i32) (result i64)
    (i64.add (call $rr (i64.const 0)) (i64.extend_i32_u (local.get $x))))
  (func $run (param $x i32) (result i64)
    (local $r i64)
    (call $push (i32.const 0))
    (local.set $r (call $get (local.get $x)))
    (call $pop)
    (local.get $r))
  (func (export "generic") (param i32) (result i64) (call $run (local.get 0))))
