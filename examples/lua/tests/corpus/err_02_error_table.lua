-- an uncaught error whose value is a table without __tostring
print("raising a table error")
error({code = 1})
