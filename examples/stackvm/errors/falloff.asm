; The verifier rejects a function whose last instruction can fall through.
; expect-error: control reaches the end of function main (missing `ret`?)
func main 0 0
        push 1
        printi
end
