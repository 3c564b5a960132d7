;; A code-metadata section (`metadata.code.branch_hint`, as clang can emit
;; for `__builtin_expect`) names a function by index and an instruction by
;; its byte offset in the body. The rewrite renumbers the functions (the
;; intrinsic imports go, the specialized body comes in) and re-encodes the
;; bodies, so the hint here (function 5, the `if` at offset 7) would land on
;; another function's code: it is dropped and the summary says so. Unlike
;; DWARF, no flag keeps it. Every other custom section stays in place.
;; flags: --keep-dwarf
;; check: (@custom "producers-like"
;; check: .debug_info
;; check-not: metadata.code
;; run: main(5)
;; run-output: main(5) == 13
;; run-output: slot() == 2
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $run)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=4, num_globals=0, func=1, argbuf=0x300, arglen=16, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  (func $run (param $x i32) (result i64)
    (call $push (i32.const 0))
    (call $pop)
    (i64.add (i64.const 8) (i64.extend_i32_u (local.get $x))))
  (func (export "main") (param $x i32) (result i64)
    (if (result i64) (i32.load (i32.const 0x400))
      (then (call_indirect (type $t) (local.get $x) (i32.load (i32.const 0x400))))
      (else (call $run (local.get $x)))))
  (@custom ".debug_info" (after last) "\01\02\03\04")
  (@custom "metadata.code.branch_hint" (after last) "\01\05\01\07\01\01")
  (@custom "producers-like" (after last) "kept"))
