;; A constant whose type does not match the parameter is refused, naming
;; the argument; the request is skipped and the result slot stays 0.
;; run: main() == 9
;; run-output: slot() == 0
(module
  (type $t (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $double)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\05\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  ;; constant f64 for an i32 parameter
  (data (i32.const 0x300) "\01\00\00\00" "\03\00\00\00" "\00\00\00\00" "\00\00\f0\3f")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "main") (result i32) (call $double (i32.const 3)))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
