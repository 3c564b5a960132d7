; A forged handle (into another array's elements) cannot reach outside the heap.
; expect-error: is not an array
func main 0 1
        push 4
        newarr
        store 0
        load 0
        push 1
        push 1000000000
        astore                  ; a[1] = 1e9, posing as a length
        load 0
        push 2
        iadd                    ; "handle" of a[1]
        push 999999999
        aload
        printi
        push 0
        ret
end
