;; A bytecode loop entered from two handlers whose copies of the fetch
;; have blocks of their own after `update.context`, as clang's
;; tail-duplicated fetch does: the loop head (pc 3) is reached through the
;; conditional jump's copy (from pc 1, and the back edge from pc 4) and
;; through the NOP's copy (from pc 2). Those blocks are keyed by where they
;; came from (`arrival.rs`), so the loop is entered only at the dispatch
;; and stays reducible. Without that, the jump's block in context 3 is on
;; the loop and entered from outside it, and waffle's backend copies the
;; loop's body (ADDI 7) to make it reducible.
;; check-in: $interp.pweval.1
;; check-not: br_table
;; check-count: 1 i64.const 7
;; run: main(0) == 35
;; run: main(1) == 35
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
  (data (i32.const 0x300) "\01\00\00\00\04\00\00\00\68\00\00\00\68\00\00\00\04\00\00\00\05\00\00\00\02\00\00\00\03\00\00\00\01\00\00\00\00\00\00\00\03\00\00\00\07\00\00\00\02\00\00\00\03\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\0d\00\00\00\00\00\00\00\00\00\00\00\ff\00\00\00\00\00\00\00\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "specialized") (result i32) (i32.ne (i32.load (i32.const 0x400)) (i32.const 0)))
  ;; HALT; NOP; JC t (bits 16+ of the argument: 0 jumps when x is odd,
  ;; 1 counts the counter down and jumps while it is not 0); ADDI v;
  ;; SETC v (the counter).
  (func $interp (param $code i32) (param $len i32) (param $x i64) (result i64)
    (local $pc i32) (local $acc i64) (local $op i32) (local $arg i32) (local $at i32) (local $counter i32)
    (call $push (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $pc) (local.get $len)))
        (local.set $at (i32.add (local.get $code) (i32.shl (local.get $pc) (i32.const 3))))
        (local.set $op (i32.load (local.get $at)))
        (local.set $arg (i32.load offset=4 (local.get $at)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (block $cont
          (block $setc (block $addi (block $jc (block $nop (block $halt
            (br_table $halt $nop $jc $addi $setc $done (local.get $op)))
            (br $done))
            ;; NOP, with its own copy of the fetch's tail
            (call $update (local.get $pc))
            (block $tail_a
              (br_if $tail_a (i32.eqz (local.get $len)))
              (local.set $op (i32.const 1)))
            (br $next))
            ;; JC, with its own copy of the fetch's tail
            (if (if (result i32) (i32.shr_u (local.get $arg) (i32.const 16))
                  (then
                    (local.set $counter (i32.sub (local.get $counter) (i32.const 1)))
                    (local.get $counter))
                  (else (i32.wrap_i64 (i64.and (local.get $x) (i64.const 1)))))
              (then (local.set $pc (i32.and (local.get $arg) (i32.const 0xffff)))))
            (call $update (local.get $pc))
            (block $tail_b
              (br_if $tail_b (i32.eqz (local.get $len)))
              (local.set $op (i32.const 2)))
            (br $next))
            (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_s (local.get $arg))))
            (br $cont))
          (local.set $counter (local.get $arg)))
        (call $update (local.get $pc))
        (br $next)))
    (call $pop)
    (local.get $acc))
  (func (export "main") (param $x i64) (result i64)
    ;; the specialized function once answered, the generic one before
    (call_indirect (type $interp_t) (i32.const 0x310) (i32.const 13) (local.get $x)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400))))))
