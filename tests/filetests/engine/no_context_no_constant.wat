;; A request with no constant argument on a function that reaches no
;; context intrinsic specializes nothing: it is refused, not answered
;; with a copy of the generic function.
;; run: main(5)
;; run-output: slot() == 0
(module
  (type $t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $run)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  (func $run (param $x i32) (result i64)
    (i64.add (i64.const 8) (i64.extend_i32_u (local.get $x))))
  (func (export "main") (param $x i32) (result i64)
    (if (result i64) (i32.load (i32.const 0x400))
      (then (call_indirect (type $t) (local.get $x) (i32.load (i32.const 0x400))))
      (else (call $run (local.get $x))))))
