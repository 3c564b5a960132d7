;; Multi-value results and block parameters.
;; expect: identical
;; run: swap(1, 2) == 2, 1
;; run: sum_pair() == 30
(module
  (func $swap (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "sum_pair") (result i32)
    (i32.const 10) (i32.const 20)
    (block (param i32 i32) (result i32) (i32.add))))
