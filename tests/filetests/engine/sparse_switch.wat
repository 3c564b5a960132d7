;; A br_table left in a specialized function whose entries name at most two
;; targets besides the default (LLVM's shape for Lua's "integer or float?"
;; tag test: 18 entries over the tag range, two of them not the default)
;; becomes compares; one with three targets stays a table. Every index still
;; reaches the same target: the runs sweep the whole range, in both
;; functions, specialized and generic.
;; check-in: $sparse.pweval.6
;; check-not: br_table
;; check: i32.eq
;; check: i32.lt_u
;; check-in: $dense.pweval.7
;; check: br_table
;; run-output: main(3) == 100
;; run-output: main(5) == 300
;; run-output: main(6) == 200
;; run-output: main(7) == 200
;; run-output: main(8) == 300
;; run-output: main(2) == 300
;; run-output: main(-1) == 300
;; run-output: main2(0) == 10
;; run-output: main2(1) == 20
;; run-output: main2(2) == 30
;; run-output: main2(3) == 40
;; run: generic(3) == 100
;; run: generic(6) == 200
;; run: generic(7) == 200
;; run: generic(9) == 300
;; run: generic2(2) == 30
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 3 funcref)
  (elem (i32.const 1) $sparse $dense)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; two requests: #1 sparse (table slot 1), #2 dense (slot 2), one runtime argument
  (data (i32.const 0x200) "\20\02\00\00" "\00\00\00\00" "\06\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\10\00\00\00" "\00\04\00\00")
  (data (i32.const 0x220) "\00\00\00\00" "\00\02\00\00" "\07\00\00\00" "\00\00\00\00"
                          "\02\00\00\00" "\00\03\00\00" "\10\00\00\00" "\04\04\00\00")
  (data (i32.const 0x300) "\00\00\00\00" "\ff\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  ;; tag 3 -> 100, tags 6..7 -> 200, anything else -> 300
  (func $sparse (param $tag i32) (result i32)
    (call $push (i32.const 0))
    (block $other (block $float (block $int
      (br_table $int $other $other $float $float $other $other $other
                $other $other $other $other $other $other $other $other $other $other $other
                (i32.sub (local.get $tag) (i32.const 3))))
      (call $pop) (return (i32.const 100)))
     (call $pop) (return (i32.const 200)))
    (call $pop)
    (i32.const 300))
  ;; 0 -> 10, 1 -> 20, 2 -> 30, anything else -> 40
  (func $dense (param $x i32) (result i32)
    (call $push (i32.const 0))
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (i32.xor (local.get $x) (i32.const 0))))
      (call $pop) (return (i32.const 10)))
     (call $pop) (return (i32.const 20)))
    (call $pop) (return (i32.const 30)))
    (call $pop)
    (i32.const 40))
  (func (export "main") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.load (i32.const 0x400))))
  (func (export "main2") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.load (i32.const 0x404))))
  (func (export "generic") (param i32) (result i32) (call $sparse (local.get 0)))
  (func (export "generic2") (param i32) (result i32) (call $dense (local.get 0))))
