;; Known bytes read back with another type or width (specialize/convert.rs),
;; and a call that writes no memory (callgraph.rs) keeping every fact:
;; - an f64 stored and read back with i64.load is i64.reinterpret_f64 of
;;   the stored value (clang's shape for Lua's setivalue/setfltvalue);
;; - a runtime byte stored with i32.store8 and read with i32.load8_u and
;;   i32.load8_s is the stored value masked or sign-extended (Lua's tags);
;; - $reader only loads, so nothing is reloaded after it; $writer stores,
;;   so the i64.load after it stays.
;; main(n) stores x = n as f64 and byte n at p, and returns
;; bits(x) + u8(n) + s8(n) - bits(x) read again after $writer.
;; check-in: $f.pweval.3
;; check-not: i32.load8_u
;; check-not: i32.load8_s
;; check: i64.reinterpret_f64
;; check: call $writer
;; check: i64.load
;; run-output: main(-3) == 250
;; run-output: main(7) == 14
;; run-output: main(200) == 144
;; run: generic(-3) == 250
;; run: generic(200) == 144
(module
  (import "weval" "push.context" (func $push (param i32)))
  (import "weval" "pop.context" (func $pop))
  (type $t (func (param i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 1) $f)
  (data (i32.const 0x100) "\00\02\00\00")
  ;; request: user_id=3, num_globals=0, func=1, argbuf=0x300, arglen=56, slot=0x400
  (data (i32.const 0x200) "\00\00\00\00" "\00\00\00\00" "\03\00\00\00" "\00\00\00\00"
                          "\01\00\00\00" "\00\03\00\00" "\38\00\00\00" "\00\04\00\00")
  ;; arg 0: constant buffer of 8 bytes; args 1 and 2: runtime
  (data (i32.const 0x300) "\01\00\00\00" "\04\00\00\00" "\08\00\00\00" "\08\00\00\00"
                          "\00\00\00\00\00\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00"
                          "\00\00\00\00" "\00\00\00\00" "\00\00\00\00" "\00\00\00\00")
  (func (export "weval.pending.head") (result i32) (i32.const 0x100))
  (func $reader (result i32) (i32.load (i32.const 0x600)))
  (func $writer (i32.store (i32.const 0x600) (i32.const 1)))
  (func $f (param $code i32) (param $p i32) (param $n i32) (result i64)
    (local $r i64)
    (call $push (i32.const 0))
    (f64.store (local.get $p) (f64.convert_i32_s (local.get $n)))
    (i32.store8 offset=8 (local.get $p) (local.get $n))
    (drop (call $reader))
    (local.set $r (i64.load (local.get $p)))
    (local.set $r (i64.add (local.get $r)
      (i64.extend_i32_u (i32.load8_u offset=8 (local.get $p)))))
    (local.set $r (i64.add (local.get $r)
      (i64.extend_i32_s (i32.load8_s offset=8 (local.get $p)))))
    (call $writer)
    (local.set $r (i64.sub (local.get $r) (i64.load (local.get $p))))
    (call $pop)
    (local.get $r))
  (func (export "main") (param $n i32) (result i64)
    (call_indirect (type $t) (i32.const 0x308) (i32.const 0x500) (local.get $n)
      (select (i32.load (i32.const 0x400)) (i32.const 1) (i32.load (i32.const 0x400)))))
  (func (export "generic") (param $n i32) (result i64)
    (call $f (i32.const 0x308) (i32.const 0x500) (local.get $n))))
