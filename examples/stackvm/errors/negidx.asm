; A negative index is out of bounds too (indices compare unsigned).
; expect-error: array index -1 out of bounds (length 3)
func main 0 0
        push 3
        newarr
        push -1
        aload
        printi
        push 0
        ret
end
