;; Mutable and immutable globals, exported and not, with initialisers
;; referring to other globals and functions.
;; expect: identical
;; run: bump() == 8
;; run: bump() == 9
;; run: read() == 49
(module
  (global $base i32 (i32.const 7))
  (global $counter (export "counter") (mut i32) (global.get $base))
  (global $wide (export "wide") (mut i64) (i64.const -1))
  (global $fref funcref (ref.func $read))
  (func $read (export "read") (result i32) (i32.add (global.get $counter) (i32.const 40)))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter)))
