; Converting an out-of-range double to int64 stops the VM.
; expect-error: f2i: 1e+300 is out of the int64 range
func main 0 0
        pushf 1e300
        f2i
        printi
        push 0
        ret
end
