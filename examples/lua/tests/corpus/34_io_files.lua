-- io on a preopened folder: the program reads its own source (run from
-- the corpus folder, which the Wasm runs preopen as ".").
local n, longest = 0, 0
for line in io.lines("34_io_files.lua") do
  n = n + 1
  if #line > longest then longest = #line end
end
print("lines", n, "longest", longest)
local f = assert(io.open("34_io_files.lua", "r"))
local first = f:read("l")
local rest = f:read("a")
f:close()
print(first)
print(#rest > 0, select(2, rest:gsub("\n", "")))
print(io.type(f), io.type(io.stdout), io.type(42))
local missing, msg = io.open("no_such_file.txt")
print(missing, (msg:gsub(":.*", "")))
io.write("numbers: ", 1, " ", 2.5, " ", -3, "\n")
io.stdout:write("via stdout\n")
print(type(os.clock()), os.clock() >= 0)
print(os.getenv("PWEVAL_SURELY_UNSET_VARIABLE"))
