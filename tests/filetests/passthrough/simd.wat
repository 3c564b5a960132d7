;; SIMD: arithmetic, shuffles and lane extraction.
;; expect: identical
;; run: dot() == 46
;; run: shuffle() == 1
(module
  (memory 1)
  (func (export "dot") (result i32)
    (local $v v128)
    (local.set $v (i32x4.mul (v128.const i32x4 1 2 3 4) (v128.const i32x4 1 2 3 4)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32.mul (i32.const 2) (i32x4.extract_lane 3 (local.get $v))))))
  (func (export "shuffle") (result i32)
    (i8x16.extract_lane_u 0
      (i8x16.shuffle 1 0 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
        (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))))
