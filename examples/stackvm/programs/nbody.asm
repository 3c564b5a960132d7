; nbody.asm: the classic 5-body (Sun and the Jovian planets) simulation with
; a symplectic integrator, dt = 0.01 -- floating point with fsqrt over arrays
; of doubles. Prints the energy (times 1e9, to show all its digits)
; before and after `scale` steps.
; small-scale: 10
global scale 70000
global nb 5
; one array per coordinate, indexed by body
global x 0
global y 0
global z 0
global vx 0
global vy 0
global vz 0
global mass 0

; body(i, x, y, z, vx, vy, vz, m): velocities are in AU/day and masses in solar
; masses; converted to years and 4*pi^2 here
func body 8 8
        gload x
        load 0
        load 1
        astore
        gload y
        load 0
        load 2
        astore
        gload z
        load 0
        load 3
        astore
        gload vx
        load 0
        load 4
        pushf 365.24
        fmul
        astore
        gload vy
        load 0
        load 5
        pushf 365.24
        fmul
        astore
        gload vz
        load 0
        load 6
        pushf 365.24
        fmul
        astore
        gload mass
        load 0
        load 7
        pushf 39.47841760435743
        fmul
        astore
        push 0
        ret
end

; sum over bodies of m * v[i] for one velocity array, then
; v[sun] = -sum / solar mass
func offset1 1 3        ; 0 v | 1 i, 2 sum
        pushf 0.0
        store 2
        push 0
        store 1
loop:
        load 1
        gload nb
        ilt
        jz done
        load 0
        load 1
        aload
        gload mass
        load 1
        aload
        fmul
        load 2
        fadd
        store 2
        inc 1 1
        jmp loop
done:
        load 0
        push 0
        load 2
        fneg
        pushf 39.47841760435743
        fdiv
        astore
        push 0
        ret
end

; d(a, i, j) = a[i] - a[j]
func d 3 3
        load 0
        load 1
        aload
        load 0
        load 2
        aload
        fsub
        ret
end

func energy 0 6         ; | 0 e, 1 i, 2 j, 3 dx, 4 dy, 5 dz
        pushf 0.0
        store 0
        push 0
        store 1
iloop:
        load 1
        gload nb
        ilt
        jz done
        gload vx                ; e += 0.5 * m * (vx^2 + vy^2 + vz^2)
        load 1
        aload
        dup
        fmul
        gload vy
        load 1
        aload
        dup
        fmul
        fadd
        gload vz
        load 1
        aload
        dup
        fmul
        fadd
        gload mass
        load 1
        aload
        fmul
        pushf 0.5
        fmul
        load 0
        fadd
        store 0
        load 1
        push 1
        iadd
        store 2
jloop:
        load 2
        gload nb
        ilt
        jz jdone
        gload x
        load 1
        load 2
        call d
        store 3
        gload y
        load 1
        load 2
        call d
        store 4
        gload z
        load 1
        load 2
        call d
        store 5
        load 0                  ; e -= m_i * m_j / sqrt(dx^2 + dy^2 + dz^2)
        gload mass
        load 1
        aload
        gload mass
        load 2
        aload
        fmul
        load 3
        dup
        fmul
        load 4
        dup
        fmul
        fadd
        load 5
        dup
        fmul
        fadd
        fsqrt
        fdiv
        fsub
        store 0
        inc 2 1
        jmp jloop
jdone:
        inc 1 1
        jmp iloop
done:
        load 0
        ret
end

; v[i] -= d * m ; (the caller passes m as -m to add)
func kick 4 4           ; 0 v, 1 i, 2 d, 3 m
        load 0
        load 1
        load 0
        load 1
        aload
        load 2
        load 3
        fmul
        fsub
        astore
        push 0
        ret
end

func advance 1 9        ; 0 dt | 1 i, 2 j, 3 dx, 4 dy, 5 dz, 6 mag, 7 mi, 8 mj
        push 0
        store 1
iloop:
        load 1
        gload nb
        ilt
        jz move
        gload mass
        load 1
        aload
        store 7
        load 1
        push 1
        iadd
        store 2
jloop:
        load 2
        gload nb
        ilt
        jz jdone
        gload x
        load 1
        load 2
        call d
        store 3
        gload y
        load 1
        load 2
        call d
        store 4
        gload z
        load 1
        load 2
        call d
        store 5
        load 3                  ; d2 = dx^2 + dy^2 + dz^2
        dup
        fmul
        load 4
        dup
        fmul
        fadd
        load 5
        dup
        fmul
        fadd
        dup
        fsqrt
        fmul                    ; d2 * sqrt(d2)
        load 0
        swap
        fdiv
        store 6                 ; mag = dt / (d2 * sqrt(d2))
        gload mass
        load 2
        aload
        store 8
        gload vx
        load 1
        load 3
        load 8
        load 6
        fmul
        call kick
        pop
        gload vy
        load 1
        load 4
        load 8
        load 6
        fmul
        call kick
        pop
        gload vz
        load 1
        load 5
        load 8
        load 6
        fmul
        call kick
        pop
        gload vx
        load 2
        load 3
        load 7
        load 6
        fmul
        fneg
        call kick
        pop
        gload vy
        load 2
        load 4
        load 7
        load 6
        fmul
        fneg
        call kick
        pop
        gload vz
        load 2
        load 5
        load 7
        load 6
        fmul
        fneg
        call kick
        pop
        inc 2 1
        jmp jloop
jdone:
        inc 1 1
        jmp iloop
move:
        push 0
        store 1
mloop:
        load 1
        gload nb
        ilt
        jz done
        gload x                 ; x[i] += dt * vx[i], etc.
        load 1
        gload vx
        load 1
        aload
        load 0
        fneg
        call kick
        pop
        gload y
        load 1
        gload vy
        load 1
        aload
        load 0
        fneg
        call kick
        pop
        gload z
        load 1
        gload vz
        load 1
        aload
        load 0
        fneg
        call kick
        pop
        inc 1 1
        jmp mloop
done:
        push 0
        ret
end

func main 0 1           ; 0 step
        gload nb
        newarr
        gstore x
        gload nb
        newarr
        gstore y
        gload nb
        newarr
        gstore z
        gload nb
        newarr
        gstore vx
        gload nb
        newarr
        gstore vy
        gload nb
        newarr
        gstore vz
        gload nb
        newarr
        gstore mass
        push 0                  ; the Sun
        pushf 0.0
        pushf 0.0
        pushf 0.0
        pushf 0.0
        pushf 0.0
        pushf 0.0
        pushf 1.0
        call body
        pop
        push 1                  ; Jupiter
        pushf 4.84143144246472090e+00
        pushf -1.16032004402742839e+00
        pushf -1.03622044471123109e-01
        pushf 1.66007664274403694e-03
        pushf 7.69901118419740425e-03
        pushf -6.90460016972063023e-05
        pushf 9.54791938424326609e-04
        call body
        pop
        push 2                  ; Saturn
        pushf 8.34336671824457987e+00
        pushf 4.12479856412430479e+00
        pushf -4.03523417114321381e-01
        pushf -2.76742510726862411e-03
        pushf 4.99852801234917238e-03
        pushf 2.30417297573763929e-05
        pushf 2.85885980666130812e-04
        call body
        pop
        push 3                  ; Uranus
        pushf 1.28943695621391310e+01
        pushf -1.51111514016986312e+01
        pushf -2.23307578892655734e-01
        pushf 2.96460137564761618e-03
        pushf 2.37847173959480950e-03
        pushf -2.96589568540237556e-05
        pushf 4.36624404335156298e-05
        call body
        pop
        push 4                  ; Neptune
        pushf 1.53796971148509165e+01
        pushf -2.59193146099879641e+01
        pushf 1.79258772950371181e-01
        pushf 2.68067772490389322e-03
        pushf 1.62824170038242295e-03
        pushf -9.51592254519715870e-05
        pushf 5.15138902046611451e-05
        call body
        pop
        gload vx
        call offset1
        pop
        gload vy
        call offset1
        pop
        gload vz
        call offset1
        pop
        prints "nbody "
        gload scale
        printi
        prints " steps: energy (x 1e9) before "
        call energy
        pushf 1e9
        fmul
        printf
        push 0
        store 0
loop:
        load 0
        gload scale
        ilt
        jz report
        pushf 0.01
        call advance
        pop
        inc 0 1
        jmp loop
report:
        prints ", after "
        call energy
        pushf 1e9
        fmul
        printf
        printnl
        push 0
        ret
end
