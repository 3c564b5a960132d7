;; With --strict a skipped request is an error and nothing is written.
;; flags: --strict
;; expect: error --strict: 1 request(s) could not be specialized
(module
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $f)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; func=7 is outside the table
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\05\00\00\00" "\00\00\00\00"
                          "\07\00\00\00" "\00\03\00\00" "\00\00\00\00" "\00\04\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $f (result i32) (i32.const 1)))
