; fib.asm: naive recursive Fibonacci -- call/return heavy, tiny frames.
; The workload is fib(scale); the checksum is the result.
; small-scale: 15
global scale 33

; fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)
func fib 1 1
        load 0
        push 2
        ilt
        jz recurse
        load 0
        ret
recurse:
        load 0
        push 1
        isub
        call fib
        load 0
        push 2
        isub
        call fib
        iadd
        ret
end

func main 0 0
        prints "fib("
        gload scale
        printi
        prints ") = "
        gload scale
        call fib
        printi
        printnl
        push 0
        ret
end
