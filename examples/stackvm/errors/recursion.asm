; Unbounded recursion hits the call-depth limit, not a host crash.
; expect-error: call depth exceeds 1000 (calling down)
func down 1 1
        load 0
        push 1
        iadd
        call down
        ret
end

func main 0 0
        push 0
        call down
        ret
end
