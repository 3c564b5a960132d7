;; In the clone, a register index that is not a constant cannot be promoted:
;; the request falls back to the generic function with a warning naming it.
;; run: main(1) == 0
;; run-output: slot() == 0
(module
  (import "weval" "read.reg" (func $read_reg (param i64) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $reg)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\02\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $reg (param i32) (result i64) (call $read_reg (i64.extend_i32_u (local.get 0))))
  (func (export "main") (param i32) (result i32) (i32.const 0))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
