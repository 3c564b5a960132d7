;; A memory of exactly 65,536 pages (4 GiB) keeps its size; the last byte is
;; addressable and one past it traps.
;; expect: identical
;; run: size() == 65536
;; run: grow(1) == -1
;; run: last() == 0
;; run: past() traps
(module
  (memory 65536 65536)
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "last") (result i32) (i32.load8_u (i32.const -1)))
  (func (export "past") (result i32) (i32.load16_u (i32.const -1))))
