; sieve.asm: sieve of Eratosthenes over an array -- array loads/stores with
; bounds checks in tight loops. Sieves [0, scale] `rounds` times (reusing one
; array) and prints the number and the sum of the primes found.
; small-scale: 300
global scale 1000000
global rounds 4

; sieve(flags, n): clear flags[0..n], mark composites, return the prime count
func sieve 2 5          ; 0 flags, 1 n | 2 i, 3 j, 4 count
        push 0
        store 2
clear:
        load 2
        load 1
        igt
        jnz cleared
        load 0
        load 2
        push 0
        astore
        inc 2 1
        jmp clear
cleared:
        push 0
        store 4
        push 2
        store 2
outer:
        load 2
        load 1
        igt
        jnz done
        load 0
        load 2
        aload
        jnz next                ; already marked composite
        inc 4 1
        load 2
        dup
        imul
        store 3                 ; j = i * i
inner:
        load 3
        load 1
        igt
        jnz next
        load 0
        load 3
        push 1
        astore
        load 3
        load 2
        iadd
        store 3
        jmp inner
next:
        inc 2 1
        jmp outer
done:
        load 4
        ret
end

; sum of the indices i in [2, n] with flags[i] == 0
func sum_primes 2 4     ; 0 flags, 1 n | 2 i, 3 sum
        push 2
        store 2
loop:
        load 2
        load 1
        igt
        jnz done
        load 0
        load 2
        aload
        jnz skip
        load 3
        load 2
        iadd
        store 3
skip:
        inc 2 1
        jmp loop
done:
        load 3
        ret
end

func main 0 3           ; 0 flags, 1 round, 2 count
        gload scale
        push 1
        iadd
        newarr
        store 0
        push 0
        store 1
again:
        load 1
        gload rounds
        ilt
        jz report
        load 0
        gload scale
        call sieve
        store 2
        inc 1 1
        jmp again
report:
        prints "primes <= "
        gload scale
        printi
        prints ": count "
        load 2
        printi
        prints ", sum "
        load 0
        gload scale
        call sum_primes
        printi
        printnl
        push 0
        ret
end
