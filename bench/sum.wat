;; The seed program written by hand in Wasm: what a perfect specializer of
;; examples/interp-c could at best produce (the practical limit).
;; sum = 0; i = N; do { sum += i; i--; } while (i); print "Result: " sum
;; The benchmark script replaces LOOP_COUNT before assembling it.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Result: ")
  (func (export "_start")
    (local $sum i64) (local $i i64) (local $p i32) (local $len i32)
    (local.set $i (i64.const LOOP_COUNT))
    (loop $l
      (local.set $sum (i64.add (local.get $sum) (local.get $i)))
      (local.set $i (i64.sub (local.get $i) (i64.const 1)))
      (br_if $l (i64.ne (local.get $i) (i64.const 0))))
    ;; digits of $sum backwards from 63, then "\n" at 64
    (i32.store8 (i32.const 64) (i32.const 10))
    (local.set $p (i32.const 64))
    (loop $d
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $sum) (i64.const 10)))))
      (local.set $sum (i64.div_u (local.get $sum) (i64.const 10)))
      (br_if $d (i64.ne (local.get $sum) (i64.const 0))))
    ;; "Result: " right before the digits, then one iovec at 128 (a WASI
    ;; write may stop after the first of several iovecs)
    (local.set $p (i32.sub (local.get $p) (i32.const 8)))
    (memory.copy (local.get $p) (i32.const 0) (i32.const 8))
    (i32.store (i32.const 128) (local.get $p))
    (i32.store (i32.const 132) (i32.sub (i32.const 65) (local.get $p)))
    (drop (call $fd_write (i32.const 1) (i32.const 128) (i32.const 1) (i32.const 160)))))
