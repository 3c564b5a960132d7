;; A requested function that holds Wasm exception handling (try_table) is
;; refused with a one-line reason; functions with exceptions that are not
;; requested pass through unchanged, and both throw and catch as before.
;; run: main(5) == 5
;; run: main(0) == 7
;; run: plain(0) == 7
;; run-output: slot() == 0
(module
  (import "weval" "push.context" (func $push (param i32)))
  (tag $t (param i32))
  (type $ft (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $run)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\04\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot") (result i32) (i32.load (i32.const 0x400)))
  (func $thrower (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $t (i32.const 7))))
    (local.get 0))
  (func $run (param $x i32) (result i32)
    (call $push (i32.const 0))
    (block $caught (result i32)
      (try_table (catch $t $caught)
        (return (call $thrower (local.get $x))))
      (unreachable)))
  (func $plain (param $x i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $t $caught)
        (return (call $thrower (local.get $x))))
      (unreachable)))
  (func (export "main") (param $x i32) (result i32)
    (if (result i32) (i32.load (i32.const 0x400))
      (then (call_indirect (type $ft) (local.get $x) (i32.load (i32.const 0x400))))
      (else (call $run (local.get $x)))))
  (func (export "plain") (param $x i32) (result i32) (call $plain (local.get $x))))
