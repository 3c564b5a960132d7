; matmul.asm: C = A * B for scale x scale matrices of doubles stored row-major
; in flat arrays -- nested loops, float arithmetic, array indexing.
; Every element is a small multiple of 1/4, so all sums are exact and the
; checksum does not depend on the summation order.
; small-scale: 8
global scale 200

; fill(m, n, p, q, r): m[i*n+j] = ((p*i + q*j) mod 7 - 3) * r
func fill 5 8           ; 0 m, 1 n, 2 p, 3 q, 4 r | 5 i, 6 j, 7 row
        push 0
        store 5
rows:
        load 5
        load 1
        ilt
        jz done
        load 5
        load 1
        imul
        store 7
        push 0
        store 6
cols:
        load 6
        load 1
        ilt
        jz next_row
        load 0
        load 7
        load 6
        iadd                    ; m, i*n+j
        load 2
        load 5
        imul
        load 3
        load 6
        imul
        iadd
        push 7
        irem
        push 3
        isub
        i2f
        load 4
        fmul
        astore
        inc 6 1
        jmp cols
next_row:
        inc 5 1
        jmp rows
done:
        push 0
        ret
end

; matmul(a, b, c, n): c = a * b
func matmul 4 9         ; 0 a, 1 b, 2 c, 3 n | 4 i, 5 j, 6 k, 7 sum, 8 i*n
        push 0
        store 4
iloop:
        load 4
        load 3
        ilt
        jz idone
        load 4
        load 3
        imul
        store 8
        push 0
        store 5
jloop:
        load 5
        load 3
        ilt
        jz jdone
        pushf 0.0
        store 7
        push 0
        store 6
kloop:
        load 6
        load 3
        ilt
        jz kdone
        load 0
        load 8
        load 6
        iadd
        aload                   ; a[i*n+k]
        load 1
        load 6
        load 3
        imul
        load 5
        iadd
        aload                   ; b[k*n+j]
        fmul
        load 7
        fadd
        store 7
        inc 6 1
        jmp kloop
kdone:
        load 2
        load 8
        load 5
        iadd
        load 7
        astore
        inc 5 1
        jmp jloop
jdone:
        inc 4 1
        jmp iloop
idone:
        push 0
        ret
end

; checksum(c, n) = sum over i, j of c[i*n+j] * (i + 1) / (j + 1)... kept exact:
; sum of c[i*n+j] * (1 + (i xor j) mod 4)
func checksum 2 6       ; 0 c, 1 n | 2 idx, 3 total, 4 i, 5 j
        pushf 0.0
        store 3
        push 0
        store 2
loop:
        load 2
        load 1
        load 1
        imul
        ilt
        jz done
        load 2
        load 1
        idiv
        store 4
        load 2
        load 1
        irem
        store 5
        load 0
        load 2
        aload
        load 4
        load 5
        ixor
        push 4
        irem
        push 1
        iadd
        i2f
        fmul
        load 3
        fadd
        store 3
        inc 2 1
        jmp loop
done:
        load 3
        ret
end

func main 0 4           ; 0 a, 1 b, 2 c, 3 n
        gload scale
        store 3
        load 3
        load 3
        imul
        dup
        dup
        newarr
        store 0
        newarr
        store 1
        newarr
        store 2
        load 0
        load 3
        push 1
        push 2
        pushf 0.5
        call fill
        pop
        load 1
        load 3
        push 3
        push 1
        pushf 0.25
        call fill
        pop
        load 0
        load 1
        load 2
        load 3
        call matmul
        pop
        prints "matmul "
        load 3
        printi
        prints "x"
        load 3
        printi
        prints ": checksum "
        load 2
        load 3
        call checksum
        printf
        prints ", c[n-1][n-1] "
        load 2
        load 3
        load 3
        imul
        push 1
        isub
        aload
        printf
        printnl
        push 0
        ret
end
