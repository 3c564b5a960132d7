;; A request whose function pointer names an imported function is skipped:
;; there is no body to specialize. The guest keeps working.
;; run: main() == 0
;; run-output: slot() == 0
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $host)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; user_id=5, func=1 (the import), argbuf=0x300, arglen=16, specialized=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\05\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "main") (result i32) (call $host (i32.const 1)))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400))))
