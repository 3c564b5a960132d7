; Using a non-array as an array stops the VM.
; expect-error: 12345 is not an array
func main 0 0
        push 12345
        alen
        printi
        push 0
        ret
end
