;; Loads through the constant-memory argument fold (here a loop unrolled by
;; contexts over a table of constants); a load from the same bytes through an
;; address NOT derived from the argument stays a load (pointer provenance).
;; check-in: $sum_table.pweval.4
;; check-not: i32.load
;; check: i64.load
;; check-not: loop
;; run-output: main() == 1003
;; run: generic() == 1003
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $sum_table)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; user_id=4, func=1, argbuf=0x300, arglen=48, specialized=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\30\00\00\00" "\00\04\00\00")
  ;; arg 0: buffer of four i32 (1, 2, 3, 997) = 16 bytes at 0x310; arg 1: i32 4
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\10\00\00\00" "\10\00\00\00"
                          "\01\00\00\00" "\02\00\00\00" "\03\00\00\00" "\e5\03\00\00"
                          "\01\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $sum_table (param $t i32) (param $n i32) (result i64)
    (local $i i32) (local $acc i32)
    (call $push (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc)
          (i32.load (i32.add (local.get $t) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (call $update (local.get $i))
        (br $next)))
    (call $pop)
    ;; 0x310 holds the same bytes, but this address is not derived from $t.
    (i64.add (i64.extend_i32_u (local.get $acc)) (i64.and (i64.load (i32.const 0x318)) (i64.const 1000))))
  (func (export "main") (result i64)
    (call_indirect (type $t) (i32.const 0x310) (i32.const 4) (i32.load (i32.const 0x400))))
  (func (export "generic") (result i64) (call $sum_table (i32.const 0x310) (i32.const 4))))
