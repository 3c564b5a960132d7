;; A declared maximum is kept: growing past it fails the same way.
;; expect: identical
;; run: size() == 1
;; run: grow(2) == 1
;; run: grow(1) == -1
;; run: size() == 3
;; run: store_last() == 0
(module
  (memory (export "m") 1 3)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store_last") (result i32)
    (i32.store8 (i32.const 196607) (i32.const 7))
    (i32.const 0)))
