; The verifier rejects a pop from an empty stack.
; expect-error: :5: stack underflow: `iadd` needs 2 value(s), the stack has 1
func main 0 0
        push 1
        iadd
        ret
end
