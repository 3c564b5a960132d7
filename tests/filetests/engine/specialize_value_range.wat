;; specialize.value needs no default path when the value's range is known:
;; here `x & 3` (a mask) and, in a second function, a value guarded by a
;; dominating `if (x < 3)` (the jump-table shape). The fan-out covers the
;; range only; a default path would keep `i64.mul` of a runtime value.
;; (`guarded`'s fan-out has two arms besides the table's default, so
;; switches.rs turns it into compares; its last arm, 2 * 2, is a constant.)
;; check-in: $masked.pweval.6
;; check: br_table
;; check-not: i64.mul
;; check-in: $guarded.pweval.7
;; check: i64.const 4
;; check-not: i64.mul
;; run-output: main(5) == 1
;; run-output: main(7) == 9
;; run-output: main(-1) == 9
;; run-output: main(8) == 0
;; run-output: main2(66) == 4
;; run-output: main2(65) == 1
;; run-output: main2(64) == 0
;; run-output: main2(9) == 7
;; run: generic(7) == 9
;; run: generic2(66) == 4
(module
  (import "weval" "specialize.value" (func $sv (param i32 i32 i32) (result i32)))
  (type $t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 3 funcref)
  (elem (i32.const 1) $masked $guarded)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; two requests: #1 masked (func 1), #2 guarded (func 2), no constant args
  (data (i32.const 0x200) "\20\02\00\00" "\00\00\00\00" "\06\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x220) "\00\00\00\00" "\00\02\00\00" "\07\00\00\00" "\00\00\00\00"
                          "\02\00\00\00" "\00\03\00\00" "\10\00\00\00" "\04\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $masked (param $x i32) (result i64)
    (local $v i64)
    (local.set $v (i64.extend_i32_s (call $sv (i32.and (local.get $x) (i32.const 3)) (i32.const 0) (i32.const 8))))
    (i64.mul (local.get $v) (local.get $v)))
  (func $guarded (param $p i32) (result i64)
    (local $v i64) (local $x i32)
    ;; A computed index (not an argument, which would be a symbolic address).
    (local.set $x (i32.xor (local.get $p) (i32.const 0x40)))
    (if (i32.lt_u (local.get $x) (i32.const 3))
      (then
        (local.set $v (i64.extend_i32_s (call $sv (local.get $x) (i32.const 0) (i32.const 3))))
        (return (i64.mul (local.get $v) (local.get $v)))))
    (i64.const 7))
  (func (export "main") (param i32) (result i64)
    (call_indirect (type $t) (local.get 0) (i32.load (i32.const 0x400))))
  (func (export "main2") (param i32) (result i64)
    (call_indirect (type $t) (local.get 0) (i32.load (i32.const 0x404))))
  (func (export "generic") (param i32) (result i64) (call $masked (local.get 0)))
  (func (export "generic2") (param i32) (result i64) (call $guarded (local.get 0))))
