; Integer division by zero stops the VM.
; expect-error: integer division by zero
global zero 0
func main 0 0
        push 1
        gload zero
        idiv
        printi
        push 0
        ret
end
