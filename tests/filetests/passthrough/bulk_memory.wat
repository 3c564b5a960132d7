;; memory.copy and memory.fill, including their trapping bounds checks.
;; expect: identical
;; run: fill_copy() == 117901063
;; run: oob_fill() traps
;; run: oob_copy() traps
(module
  (memory (export "mem") 1)
  (func (export "fill_copy") (result i32)
    (memory.fill (i32.const 0) (i32.const 7) (i32.const 8))
    (memory.copy (i32.const 100) (i32.const 0) (i32.const 8))
    (i32.load (i32.const 102)))
  (func (export "oob_fill") (memory.fill (i32.const 65530) (i32.const 1) (i32.const 10)))
  (func (export "oob_copy") (memory.copy (i32.const 0) (i32.const 65530) (i32.const 10))))
