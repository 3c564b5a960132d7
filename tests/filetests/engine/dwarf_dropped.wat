;; DWARF addresses code by byte offset in the code section. Once a body is
;; re-encoded (here every call shifts when the intrinsic imports are
;; removed) or functions are appended, those offsets are stale, so the
;; `.debug_*` sections are dropped and the summary says so. Every other
;; custom section stays in place.
;; check: (@custom "producers-like"
;; check-not: .debug_info
;; check-not: .debug_line
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
  (@custom "producers-like" (after last) "kept")
  (@custom ".debug_line" (after last) "\05\06"))
