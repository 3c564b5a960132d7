;; Active and passive data segments survive, and so do memory.init/data.drop.
;; expect: identical
;; run: load(0) == 1684234849
;; run: load(100) == 0
;; run: init_passive(200) == 1701867374
;; run: init_passive(200) traps
;; run: load(1000) == 808530483
(module
  (memory (export "mem") 1)
  (data (i32.const 0) "abcd")
  (data $p "nope")
  (data (i32.const 1000) "3210")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "init_passive") (param i32) (result i32)
    (memory.init $p (local.get 0) (i32.const 0) (i32.const 4))
    (data.drop $p)
    (i32.load (local.get 0))))
