; The verifier rejects code whose stack depth differs between paths.
; expect-error: :13: stack depth 2 here but 1 on the edge from line 9
func main 0 1
        push 1
        load 0
        jz skip
        pop
        push 0
        jmp join
skip:
        push 2
join:
        printi
        push 0
        ret
end
