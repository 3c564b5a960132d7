;; As readonly_table.wat, but not every data segment is named: the name
;; section may be stale (a Wizer snapshot re-cuts segments and keeps the old
;; names), so no name is trusted, the table stays a load, and this request
;; falls back (its JMPR path has a runtime PC and registers with no memory
;; home).
;; run-output: slot() == 0
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "read.reg" (func $rr (param i64) (result i64)))
  (import "weval" "write.reg" (func $wr (param i64 i64)))
  (import "weval" "abort.specialization" (func $abort (param i32 i32)))
  (type $interp_t (func (param i32 i32 i64) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; The dispatch goes through a static const table (identity here).
  (data (i32.const 0x600) "\01")
  (data $.rodata (i32.const 0x500) "\00\01\02\03\04\05\06\07\08\09\0a")
  (data (i32.const 0x200) "\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\00\03\00\00\98\00\00\00\00\04\00\00")
  (data (i32.const 0x300) "\01\00\00\00\04\00\00\00\68\00\00\00\68\00\00\00\01\00\00\00\00\00\00\00\03\00\00\00\00\00\00\00\01\00\00\00\0a\00\00\00\03\00\00\00\01\00\00\00\04\00\00\00\00\00\00\00\07\00\00\00\01\00\00\00\03\00\00\00\00\00\00\00\04\00\00\00\01\00\00\00\06\00\00\00\00\00\00\00\03\00\00\00\01\00\00\00\05\00\00\00\04\00\00\00\04\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\0d\00\00\00\00\00\00\00\00\00\00\00\ff\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  (func $interp (param $code i32) (param $len i32) (param $x i64) (result i64)
    (local $pc i32) (local $acc i64) (local $op i32) (local $arg i32) (local $at i32)
    (call $push (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pc) (local.get $len)))
        (local.set $at (i32.add (local.get $code) (i32.shl (local.get $pc) (i32.const 3))))
        (local.set $op (i32.load (local.get $at)))
        (local.set $arg (i32.load offset=4 (local.get $at)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (block $cont
          (block $b9 (block $b8 (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
            (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 $done (i32.load8_u offset=0x500 (local.get $op))))
            ;; HALT
            (br $done))
            ;; PUSHI v: acc = v; PUSHI -1 means acc = x (the runtime argument)
            (local.set $acc (if (result i64) (i32.eq (local.get $arg) (i32.const -1))
              (then (local.get $x)) (else (i64.extend_i32_s (local.get $arg)))))
            (br $cont))
            ;; ADDI v
            (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $arg))))
            (br $cont))
            ;; STORE r
            (call $wr (i64.extend_i32_u (local.get $arg)) (local.get $acc))
            (br $cont))
            ;; LOAD r
            (local.set $acc (call $rr (i64.extend_i32_u (local.get $arg))))
            (br $cont))
            ;; JNZ t
            (local.set $pc (select (local.get $arg) (local.get $pc) (i64.ne (local.get $acc) (i64.const 0))))
            (br $cont))
            ;; DEC
            (local.set $acc (i64.sub (local.get $acc) (i64.const 1)))
            (br $cont))
            ;; ADDR r
            (local.set $acc (i64.add (local.get $acc) (call $rr (i64.extend_i32_u (local.get $arg)))))
            (br $cont))
            ;; DIVI v: acc = acc / v (traps on 0)
            (local.set $acc (i64.div_s (local.get $acc) (i64.extend_i32_s (local.get $arg))))
            (br $cont))
          ;; JMPR: pc = acc (a PC computed at run time)
          (local.set $pc (i32.wrap_i64 (local.get $acc)))
          
          (br $cont))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (local.get $acc))
  (func (export "main") (param $x i64) (result i64)
    (call_indirect (type $interp_t) (i32.const 0x310) (i32.const 13) (local.get $x) (i32.load (i32.const 0x400))))
  (func (export "loads_buffer_directly") (result i32) (i32.load (i32.const 0x310))))
