; calls.asm: many small functions of 0 to 8 parameters, nested calls, mutual
; recursion and a global counter -- call overhead and argument passing.
; Loops `scale` times and prints a checksum.
; small-scale: 50
global scale 700000
global ncalls 0

func zero 0 0
        push 0
        ret
end

func count 0 0          ; ncalls += 1; returns the new value
        gload ncalls
        push 1
        iadd
        dup
        gstore ncalls
        ret
end

func add 2 2
        load 0
        load 1
        iadd
        ret
end

func sq 1 1
        load 0
        dup
        imul
        ret
end

func neg 1 1
        load 0
        ineg
        ret
end

func abs 1 1
        load 0
        push 0
        ilt
        jz pos
        load 0
        call neg
        ret
pos:
        load 0
        ret
end

func max 2 2
        load 0
        load 1
        igt
        jz second
        load 0
        ret
second:
        load 1
        ret
end

func min 2 2
        load 0
        load 1
        ilt
        jz second
        load 0
        ret
second:
        load 1
        ret
end

; clamp(v, lo, hi) = min(max(v, lo), hi)
func clamp 3 3
        load 0
        load 1
        call max
        load 2
        call min
        ret
end

; a 32-bit integer hash
func hash 1 1
        load 0
        load 0
        push 16
        ishr
        ixor
        push 0x45d9f3b
        imul
        push 0xffffffff
        iand
        store 0
        load 0
        load 0
        push 16
        ishr
        ixor
        ret
end

; is_even / is_odd by mutual recursion on n mod 16
func is_even 1 1
        load 0
        jnz more
        push 1
        ret
more:
        load 0
        push 1
        isub
        call is_odd
        ret
end

func is_odd 1 1
        load 0
        jnz more
        push 0
        ret
more:
        load 0
        push 1
        isub
        call is_even
        ret
end

; weighted sum of eight arguments: sum of (k + 1) * a_k
func sum8 8 8
        load 0
        load 1
        push 2
        imul
        iadd
        load 2
        push 3
        imul
        iadd
        load 3
        push 4
        imul
        iadd
        load 4
        push 5
        imul
        iadd
        load 5
        push 6
        imul
        iadd
        load 6
        push 7
        imul
        iadd
        load 7
        push 8
        imul
        iadd
        ret
end

; mix(acc, a, b, c) = (acc * 31 + a - b) xor c, kept to 40 bits
func mix 4 4
        load 0
        push 31
        imul
        load 1
        call add
        load 2
        isub
        load 3
        ixor
        push 0xffffffffff
        iand
        ret
end

func step 2 3           ; 0 i, 1 acc | 2 h
        load 0
        call hash
        store 2
        load 1
        load 2
        load 0
        push 500
        isub
        push -100
        push 100
        call clamp
        call abs
        load 0
        push 16
        irem
        call is_even
        call zero
        iadd
        call sq
        call mix
        store 1
        load 1                  ; acc += sum8(i, h, acc, 1, 2, 3, i, count())
        load 0
        load 2
        load 1
        push 1
        push 2
        push 3
        load 0
        call count
        call sum8
        push 1023
        iand
        iadd
        ret
end

func main 0 2           ; 0 i, 1 acc
        push 7
        store 1
loop:
        load 0
        gload scale
        ilt
        jz done
        load 0
        load 1
        call step
        store 1
        inc 0 1
        jmp loop
done:
        prints "calls "
        gload scale
        printi
        prints ": checksum "
        load 1
        printi
        prints ", counted "
        gload ncalls
        printi
        printnl
        push 0
        ret
end
