;; Imported memories, tables and globals (mutable and not) pass through.
;; expect: identical
;; run: get_g() == 0
;; run: set_g(5) == 5
;; run: mem_size() == 2
;; run: tab_size() == 3
;; run: get_c() == 0
;; run: host(4) == 0
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "env" "mem" (memory 2))
  (import "env" "tab" (table 3 funcref))
  (import "env" "g" (global $g (mut i32)))
  (import "env" "c" (global $c i64))
  (func (export "get_g") (result i32) (global.get $g))
  (func (export "set_g") (param i32) (result i32) (global.set $g (local.get 0)) (global.get $g))
  (func (export "mem_size") (result i32) (memory.size))
  (func (export "tab_size") (result i32) (table.size))
  (func (export "get_c") (result i64) (global.get $c))
  (func (export "host") (param i32) (result i32) (call $host (local.get 0))))
