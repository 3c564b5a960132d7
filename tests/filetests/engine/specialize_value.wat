;; specialize.value(x, 10, 12) fans a runtime value out into one constant per
;; value in 10..=12 (the bounds included, lo != 0), and keeps a generic path
;; for every other value.
;; check-in: $square.pweval.6
;; check: br_table
;; check: i64.const 121
;; check: i64.const 144
;; check: i64.const 100
;; run-output: main(9) == 81
;; run-output: main(10) == 100
;; run-output: main(11) == 121
;; run-output: main(12) == 144
;; run-output: main(13) == 169
;; run-output: main(-3) == 9
;; run: generic(11) == 121
(module
  (import "weval" "specialize.value" (func $sv (param i32 i32 i32) (result i32)))
  (type $t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $square)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\06\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $square (param $x i32) (result i64)
    (local $v i64)
    (local.set $v (i64.extend_i32_s (call $sv (local.get $x) (i32.const 10) (i32.const 12))))
    (i64.mul (local.get $v) (local.get $v)))
  (func (export "main") (param i32) (result i64)
    (call_indirect (type $t) (local.get 0) (i32.load (i32.const 0x400))))
  (func (export "generic") (param i32) (result i64) (call $square (local.get 0))))
