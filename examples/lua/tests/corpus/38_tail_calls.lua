-- tail calls: every shape OP_TAILCALL takes, and what a tail call leaves
-- behind (istailcall, tracebacks, errors, hooks, coroutines)

local function add3(a, b, c) return (a or 0) + (b or 0) + (c or 0) end

-- exact argument count, more, fewer (missing ones are nil)
local function exact(x) return add3(x, 1, 2) end
local function more(x) return add3(x, 1, 2, 99, 100) end
local function fewer(x) return add3(x) end
print("exact", exact(10), "more", more(10), "fewer", fewer(10))

-- multiple results through a chain, and all results of a vararg call
local function three() return 1, 2, 3 end
local function pass() return three() end
local function passall(...) return select("#", ...), ... end
local function fwd(...) return passall(...) end
print("results", pass())
print("varargs", fwd(7, nil, 9, nil))
print("varargs none", fwd())

-- a vararg function tail-calling (its frame sits above the arguments)
local function va(...) local n = select("#", ...) return add3(n, ...) end
print("vararg caller", va(1, 2), va(), va(5, 5, 5, 5))

-- tail calls of a C function, of a table with __call, of a non-function
local function toC(s) return string.rep(s, 3) end
print("C callee", toC("ab"))
local callable = setmetatable({}, { __call = function(self, a, b) return "called", a, b end })
local function toCallable(a) return callable(a, a * 2) end
print("__call", toCallable(21))
local function toNumber() local n = 5 return n() end
print("non-function", pcall(toNumber))

-- mutual tail recursion far deeper than any stack
local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print("even 1000001", is_even(1000001), "odd 777777", is_odd(777777))

-- a counting loop of tail calls with an accumulator in several registers
local function sum_to(n, acc, steps)
  if n == 0 then return acc, steps end
  return sum_to(n - 1, acc + n, steps + 1)
end
print("sum_to", sum_to(300000, 0, 0))

-- what a tail-called function sees of its caller
local function info() local d = debug.getinfo(1, "t") return d.istailcall end
local function callsInfo() return info() end
local function callsInfoNonTail() local r = info() return r end
print("istailcall", callsInfo(), callsInfoNonTail())
local function tb() return debug.traceback("tb", 1) end
local function viaTail() return tb() end
local t = viaTail()
print("traceback mentions tail calls", t:find("tail calls", 1, true) ~= nil)

-- errors raised in a tail-called function, caught above
local function fails(x) if x > 2 then error("too big: " .. x) end return x end
local function tailFails(x) return fails(x + 1) end
print("error", pcall(tailFails, 1))
print("error", pcall(tailFails, 5))
print("error object", select(2, pcall(function() return error({ code = 7 }) end)).code)

-- tail calls with a hook on: every call counted
local calls = 0
debug.sethook(function() calls = calls + 1 end, "c")
local function hooked(n) if n == 0 then return "done" end return hooked(n - 1) end
local r = hooked(10)
debug.sethook()
print("hooked", r, calls >= 11)

-- tail calls across yields
local co = coroutine.wrap(function(n)
  local function step(i, acc)
    if i > n then return acc end
    coroutine.yield(i)
    return step(i + 1, acc + i)
  end
  return step(1, 0)
end)
local seen = {}
local v = co(4)
while #seen < 4 do seen[#seen + 1] = v v = co() end
print("coroutine", table.concat(seen, ","), v)

-- a closure tail-calling through upvalues, and closing its own upvalues
local function compose(f, g) return function(x) return f(g(x)) end end
local h = compose(function(x) return x * 3 end, function(x) return x + 1 end)
local acc = 0
for i = 1, 100000 do acc = acc + h(i) end
print("compose", acc)
local function closes(n)
  local captured = n * 2
  local get = function() return captured end
  return add3(get(), n)
end
print("closes upvalues", closes(4), closes(-1))
