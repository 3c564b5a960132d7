;; weval.h's pattern: an always_inline body used by a generic and a
;; specialized wrapper. When the body holds a computed goto, LLVM cannot
;; inline it, and the specialized wrapper only calls the out-of-line body
;; with spec = 1, where its read.reg traps. pweval inlines such a body
;; (engine/wrapper_inlined.wat), but not this one: it may call the wrapper
;; back (recursion). Then the request specializes nothing: it is refused
;; with a warning that names the body to request, and the guest keeps its
;; generic path, which does not trap.
;; run: main(5)
;; run-output: main(5) == 13
;; run-output: slot() == 0
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "update.context" (func $update (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "read.reg" (func $rr (param i64) (result i64)))
  (type $t (func (param i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $run_spec)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=4, num_globals=0, func=1, argbuf=0x300, arglen=16, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  ;; arg 0: runtime
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  ;; The out-of-line body: x + 8, with the accumulator in register 0 when
  ;; specialized and in memory when not.
  (func $interp (param $x i32) (param $spec i32) (result i64)
    (local $acc i64)
    (call $push (i32.const 0))
    (local.set $acc
      (if (result i64) (local.get $spec)
        (then (call $rr (i64.const 0)))
        (else (i64.load (i32.const 0x500)))))
    (if (i32.eq (local.get $x) (i32.const -1))
      (then (drop (call $run_spec (i32.const 0)))))
    (call $update (i32.const 1))
    (call $pop)
    (i64.add (i64.add (local.get $acc) (i64.const 8)) (i64.extend_i32_u (local.get $x))))
  (func $run_spec (param $x i32) (result i64)
    (call $interp (local.get $x) (i32.const 1)))
  (func $run_generic (param $x i32) (result i64)
    (call $interp (local.get $x) (i32.const 0)))
  (func (export "main") (param $x i32) (result i64)
    (if (result i64) (i32.load (i32.const 0x400))
      (then (call_indirect (type $t) (local.get $x) (i32.load (i32.const 0x400))))
      (else (call $run_generic (local.get $x))))))
