; Assembler errors name the file and line.
; expect-error: :5: unknown instruction `pusj`
func main 0 0
        push 1
        pusj 2
        ret
end
