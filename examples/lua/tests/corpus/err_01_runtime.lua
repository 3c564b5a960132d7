-- prints some output, then dies with an uncaught runtime error at top level
print("before the error")
io.write("partial line written with io.write\n")
local config = {}
print("about to index a nil field")
local port = config.server.port
print("never printed", port)
