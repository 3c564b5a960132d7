; mandelbrot.asm: escape-time iteration over a scale x scale grid covering
; [-2, 1] x [-1.5, 1.5] -- a floating-point kernel with data-dependent loop
; exits. Prints the points inside, the total iteration count and the sum of
; |z|^2 at escape (a float checksum).
; small-scale: 8
global scale 500
global max_iter 64

; iterate(cr, ci) -> iterations until |z|^2 > 4 (max_iter if never); adds the
; final |z|^2 of escaping points to the global `escape_sum`
global escape_sum 0.0
func iterate 2 7        ; 0 cr, 1 ci | 2 zr, 3 zi, 4 n, 5 zr2, 6 zi2
        pushf 0.0
        store 2
        pushf 0.0
        store 3
        pushf 0.0
        store 5
        pushf 0.0
        store 6
        push 0
        store 4
loop:
        load 4
        gload max_iter
        ilt
        jz done
        load 2                  ; zi = 2 * zr * zi + ci
        load 3
        fmul
        pushf 2.0
        fmul
        load 1
        fadd
        store 3
        load 5                  ; zr = zr2 - zi2 + cr
        load 6
        fsub
        load 0
        fadd
        store 2
        load 2
        dup
        fmul
        store 5
        load 3
        dup
        fmul
        store 6
        inc 4 1
        load 5
        load 6
        fadd
        dup
        pushf 4.0
        fgt
        jz stay                 ; keeps |z|^2 on the stack on both paths
        gload escape_sum
        fadd
        gstore escape_sum
        jmp done
stay:
        pop
        jmp loop
done:
        load 4
        ret
end

func main 0 7           ; 0 y, 1 x, 2 inside, 3 total, 4 n, 5 step, 6 ci
        pushf 3.0
        gload scale
        i2f
        fdiv
        store 5                 ; step = 3 / scale
        push 0
        store 0
rows:
        load 0
        gload scale
        ilt
        jz report
        load 0
        i2f
        load 5
        fmul
        pushf 1.5
        fsub
        store 6
        push 0
        store 1
cols:
        load 1
        gload scale
        ilt
        jz next_row
        load 1
        i2f
        load 5
        fmul
        pushf 2.0
        fsub                    ; cr
        load 6                  ; ci
        call iterate
        tee 4
        load 3
        iadd
        store 3
        load 4
        gload max_iter
        ieq
        load 2
        iadd
        store 2
        inc 1 1
        jmp cols
next_row:
        inc 0 1
        jmp rows
report:
        prints "mandelbrot "
        gload scale
        printi
        prints ": inside "
        load 2
        printi
        prints ", iterations "
        load 3
        printi
        prints ", escape sum "
        gload escape_sum
        printf
        printnl
        push 0
        ret
end
