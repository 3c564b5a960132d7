;; A tag tested for equality, then loaded and tested again (as Lua's
;; `forprep` tests the tags `OP_FORPREP` just tested): on the edge where
;; the first test holds, the cell is known to hold the constant
;; (`refine.rs`), so the second load folds and its test with it, and the
;; call on the path where it would fail is gone from the specialized code.
;; check-in: $interp.pweval.1
;; check-not: call $clobber
;; run: main(0) == 0
;; run: set_tag(3)
;; run: main(0) == 2
;; run: set_tag(4)
;; run: main(0) == 0
;; run-output: specialized() == 1
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $interp_t (func (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\00\03\00\00\98\00\00\00\00\04\00\00")
  (data (i32.const 0x300) "\01\00\00\00\04\00\00\00\68\00\00\00\68\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\0d\00\00\00\00\00\00\00\00\00\00\00\ff\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "specialized") (result i32) (i32.ne (i32.load (i32.const 0x400)) (i32.const 0)))
  (func (export "set_tag") (param $t i32) (i32.store8 (i32.const 0x500) (local.get $t)))
  (func $clobber (i32.store8 (i32.const 0x500) (i32.const 9)))
  ;; HALT; TAGCHK: when the tag at 0x500 is 3, check it again (calling
  ;; $clobber if it changed) and count.
  (func $interp (param $code i32) (param $len i32) (param $x i64) (result i64)
    (local $pc i32) (local $acc i64) (local $op i32) (local $at i32)
    (call $push (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pc) (local.get $len)))
        (local.set $at (i32.add (local.get $code) (i32.shl (local.get $pc) (i32.const 3))))
        (local.set $op (i32.load (local.get $at)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (block $tagchk (block $halt
          (br_table $halt $tagchk $done (local.get $op)))
          (br $done))
        (if (i32.eq (i32.load8_u (i32.const 0x500)) (i32.const 3))
          (then
            (if (i32.ne (i32.load8_u (i32.const 0x500)) (i32.const 3))
              (then (call $clobber)))
            (local.set $acc (i64.add (local.get $acc) (i64.const 1)))))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (local.get $acc))
  (func (export "main") (param $x i64) (result i64)
    ;; the specialized function once answered, the generic one before
    (call_indirect (type $interp_t) (i32.const 0x310) (i32.const 13) (local.get $x)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400))))))
