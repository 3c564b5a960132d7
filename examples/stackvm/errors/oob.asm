; An array store one past the end stops the VM (after the output so far).
; expect-output: before
; expect-error: in function poke at pc 10
; expect-error: array index 10 out of bounds (length 10)
func poke 2 2
        load 0
        load 1
        push 42
        astore
        push 0
        ret
end

func main 0 1
        push 10
        newarr
        store 0
        prints "before"
        printnl
        load 0
        push 9
        call poke
        pop
        load 0
        push 10
        call poke
        pop
        prints "not reached"
        printnl
        push 0
        ret
end
