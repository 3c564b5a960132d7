;; A bytecode CALL of another request's specialized function: request A's
;; code calls B through B's result slot (a table index loaded from memory at
;; an address A's constant code names). pweval knows B's table slot before
;; answering (request k owns slot first_slot + k), so A inlines B's body,
;; specialized, behind a test of the loaded index; any other index makes the
;; original call (src/request_calls.rs, inline.rs request_chain).
;; check-in: $interp.pweval.1
;; check: i32.eq
;; check: i32.add
;; run: main(5) == 12
;; run-output: slot_b() == 3
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (import "weval" "abort.specialization" (func $abort (param i32 i32)))
  (type $t (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $interp)
  (data (i32.const 0x100) "\00\02\00\00")
  (data (i32.const 0x200) "\40\02\00\00\00\00\00\00\01\00\00\00\00\00\00\00\01\00\00\00\00\03\00\00\30\00\00\00\00\04\00\00")
  (data (i32.const 0x240) "\00\00\00\00\00\02\00\00\02\00\00\00\00\00\00\00\01\00\00\00\40\03\00\00\30\00\00\00\04\04\00\00")
  (data (i32.const 0x300) "\01\00\00\00\04\00\00\00\10\00\00\00\10\00\00\00\01\00\00\00\04\04\00\00\00\05\00\00\00\00\00\00\00\00\00\00\ff\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 0x340) "\01\00\00\00\04\00\00\00\10\00\00\00\10\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\ff\00\00\00\00\00\00\00\00\00\00\00")
  ;; the guest's own copies of the code: A's at 0x510, B's at 0x500
  (data (i32.const 0x500) "\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00")
  (data (i32.const 0x510) "\01\00\00\00\04\04\00\00\00\05\00\00\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func (export "slot_b") (result i32) (i32.load (i32.const 0x404)))
  ;; op 1: call the function whose code is at code+8 through the slot whose
  ;; address is at code+4 (the generic interpreter when the slot is empty),
  ;; and double its result; op 0: x + 1; op 2: x + 3 (and, op 2 is not used here).
  (func $interp (param $code i32) (param $x i32) (result i32)
    (local $r i32) (local $idx i32) (local $op i32)
    (call $push (i32.const 0))
    (local.set $op (i32.load (local.get $code)))
    (if (i32.eq (local.get $op) (i32.const 1))
      (then
        (local.set $idx (i32.load (i32.load offset=4 (local.get $code))))
        (local.set $r (i32.mul (i32.const 2)
          (if (result i32) (local.get $idx)
            (then (call_indirect (type $t) (i32.load offset=8 (local.get $code)) (local.get $x) (local.get $idx)))
            (else (call $interp (i32.load offset=8 (local.get $code)) (local.get $x)))))))
      (else
        (if (i32.eq (local.get $op) (i32.const 2))
          (then
            (call $abort (i32.const 7) (i32.const 1))
            (local.set $r (i32.add (local.get $x) (i32.const 3))))
          (else (local.set $r (i32.add (local.get $x) (i32.const 1)))))))
    (call $pop)
    (local.get $r))
  (func (export "main") (param $x i32) (result i32)
    (local $idx i32)
    (local.set $idx (i32.load (i32.const 0x400)))
    (if (result i32) (local.get $idx)
      (then (call_indirect (type $t) (i32.const 0x510) (local.get $x) (local.get $idx)))
      (else (call $interp (i32.const 0x510) (local.get $x))))))
