;; In specialized code read.reg/write.reg are SSA values (here across a
;; loop) and read.specialization.global returns the request's global.
;; check: (func $count.pweval.3
;; run-output: main() == 1045
;; run-output: main_generic() == 2
(module
  (import "weval" "read.reg" (func $read_reg (param i64) (result i64)))
  (import "weval" "write.reg" (func $write_reg (param i64 i64)))
  (import "weval" "read.specialization.global" (func $global (param i32) (result i64)))
  (import "weval" "push.context" (func $push (param i32)))
  (type $count_t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $count)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; user_id=3, num_globals=1, func=1, argbuf=0x300, arglen=32, specialized=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\03\00\00\00" "\01\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\20\00\00\00" "\00\04\00\00")
  ;; global 0: constant i64 1000; arg 0: runtime
  (data (i32.const 0x300) "\01\00\00\00" "\01\00\00\00" "\e8\03\00\00" "\00\00\00\00"
                          "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  ;; sum of 0..n-1 in register 1, plus global 0
  (func $count (param $n i32) (result i64)
    (local $i i32)
    (call $push (i32.const 0))
    (call $write_reg (i64.const 1) (i64.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $write_reg (i64.const 1)
          (i64.add (call $read_reg (i64.const 1)) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.add (call $read_reg (i64.const 1)) (call $global (i32.const 0))))
  (func (export "main") (result i64)
    (call_indirect (type $count_t) (i32.const 10) (i32.load (i32.const 0x400))))
  (func (export "main_generic") (result i64) (i64.extend_i32_u (i32.load (i32.const 0x400)))))
