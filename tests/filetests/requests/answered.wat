;; A well-formed request (constant memory buffer + constant length) is
;; answered: a clone bound to the constants is appended, placed in the table,
;; its index written to the result slot; the list is unlinked and the flag set.
;; (The context makes it an answer: a request that reaches none is refused,
;; see engine/no_context.wat.)
;; check: (func $sum_bytes.pweval.7
;; check-not: (import "weval"
;; run: main() == 15
;; run-output: slot() == 2
;; run-output: head() == 0
;; run-output: flag() == 1
;; run-output: table_size() == 3
(module
  (import "weval" "trace.line" (func $trace (param i32)))
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $sum_t (func (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $sum_bytes)
  ;; list head pointer @0x100 -> request @0x200; flag @0x104
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: next, prev, user_id=7, num_globals=0, func=1, argbuf=0x300, arglen=40, specialized=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\07\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\28\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer, len 5, padded 8, bytes 1..5; arg 1: constant i32 5
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\05\00\00\00" "\08\00\00\00"
                          "\01\02\03\04\05\00\00\00"
                          "\01\00\00\00" "\00\00\00\00" "\05\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "weval.is.wevaled") (result i32) (i32.const 0x104))
  (func $sum_bytes (param $p i32) (param $n i32) (result i64)
    (local $acc i64)
    (call $trace (i32.const 1))
    (call $push (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (call $pop)
    (local.get $acc))
  (func (export "main") (result i64)
    (if (result i64) (i32.load (i32.const 0x400))
      (then (call_indirect (type $sum_t) (i32.const 0) (i32.const 0) (i32.load (i32.const 0x400))))
      (else (call $sum_bytes (i32.const 0x310) (i32.const 5)))))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  (func (export "head") (result i32) (i32.load (i32.const 0x100)))
  (func (export "flag") (result i32) (i32.load8_u (i32.const 0x104)))
  (func (export "table_size") (result i32) (table.size)))
