;; Outside specialized code every intrinsic has its generic meaning, and no
;; "weval" import is left in the output.
;; check-not: (import "weval"
;; run: value(7) == 7
;; run: disjoint(7) == 7
;; run: outside(9) == 9
;; run: stack(64) == 12
;; run: locals(128) == 99
;; run: hints() == 5
;; run: read_reg() traps
;; run: spec_global() traps
;; run: write_reg() == 1
(module
  (import "weval" "push.context" (func $push_ctx (param i32)))
  (import "weval" "pop.context" (func $pop_ctx))
  (import "weval" "update.context" (func $update_ctx (param i32)))
  (import "weval" "read.reg" (func $read_reg (param i64) (result i64)))
  (import "weval" "write.reg" (func $write_reg (param i64 i64)))
  (import "weval" "specialize.value" (func $spec_value (param i32 i32 i32) (result i32)))
  (import "weval" "read.specialization.global" (func $spec_global (param i32) (result i64)))
  (import "weval" "push.stack" (func $push_stack (param i32 i64)))
  (import "weval" "sync.stack" (func $sync_stack))
  (import "weval" "read.stack" (func $read_stack (param i32 i32) (result i64)))
  (import "weval" "write.stack" (func $write_stack (param i32 i32 i64)))
  (import "weval" "pop.stack" (func $pop_stack (param i32) (result i64)))
  (import "weval" "read.local" (func $read_local (param i32 i32) (result i64)))
  (import "weval" "write.local" (func $write_local (param i32 i32 i64)))
  (import "weval" "trace.line" (func $trace (param i32)))
  (import "weval" "abort.specialization" (func $abort (param i32 i32)))
  (import "weval" "assert.const32" (func $assert (param i32 i32)))
  (import "weval" "print" (func $print (param i32 i32 i32)))
  (import "weval" "context.bucket" (func $bucket (param i32)))
  (import "weval" "pweval.disjoint" (func $disjoint (param i32) (result i32)))
  (import "weval" "pweval.outside" (func $outside (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "value") (param i32) (result i32)
    (call $spec_value (local.get 0) (i32.const 3) (i32.const 5)))
  (func (export "disjoint") (param i32) (result i32)
    (call $disjoint (local.get 0)))
  (func (export "outside") (param i32) (result i32)
    (call $outside (local.get 0)))
  (func (export "stack") (param $sp i32) (result i64)
    (call $push_stack (local.get $sp) (i64.const 5))
    (call $push_stack (i32.add (local.get $sp) (i32.const 8)) (i64.const 7))
    (call $sync_stack)
    (call $write_stack (local.get $sp) (i32.const 1) (i64.add (call $read_stack (local.get $sp) (i32.const 1)) (i64.const 0)))
    (i64.add (call $pop_stack (i32.add (local.get $sp) (i32.const 8))) (call $read_stack (local.get $sp) (i32.const 1))))
  (func (export "locals") (param $fp i32) (result i64)
    (call $write_local (i32.add (local.get $fp) (i32.const 16)) (i32.const 2) (i64.const 99))
    (call $read_local (i32.add (local.get $fp) (i32.const 16)) (i32.const 2)))
  (func (export "hints") (result i32)
    (call $push_ctx (i32.const 1))
    (call $update_ctx (i32.const 2))
    (call $trace (i32.const 3))
    (call $abort (i32.const 4) (i32.const 0))
    (call $assert (i32.const 5) (i32.const 6))
    (call $print (i32.const 0) (i32.const 7) (i32.const 8))
    (call $bucket (i32.const 9))
    (call $pop_ctx)
    (i32.const 5))
  (func (export "read_reg") (result i64) (call $read_reg (i64.const 0)))
  (func (export "spec_global") (result i64) (call $spec_global (i32.const 0)))
  (func (export "write_reg") (result i32) (call $write_reg (i64.const 1) (i64.const 2)) (i32.const 1)))
