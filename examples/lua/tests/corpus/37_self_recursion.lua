-- small functions that call themselves: pweval inlines such calls a few
-- activations deep, so everything below happens inside inlined frames

-- plain recursion, several depths (the inlined levels and past them)
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
for n = 0, 12 do io.write(fib(n), " ") end
print()

-- an error raised deep inside, caught outside, with its line number
local function down(n)
  if n == 0 then error("bottom reached") end
  return down(n - 1) + 1
end
print(pcall(down, 7))

-- a runtime error (arithmetic on nil) at depth
local function bad(n, x)
  if n == 0 then return x + 1 end
  return bad(n - 1, x)
end
print(pcall(bad, 5, nil))

-- debug.getlocal sees the caller's registers, written back before the call
local function probe(n)
  local mine = n * 10
  if n == 0 then
    local name, value = debug.getlocal(2, 2)
    local name3, value3 = debug.getlocal(4, 2)
    return name .. "=" .. tostring(value) .. " " .. name3 .. "=" .. tostring(value3)
  end
  local r = probe(n - 1)
  return r
end
print(probe(4))

-- the traceback counts every activation, inlined or not
local function trace(n)
  if n == 0 then
    local tb = debug.traceback()
    local count = 0
    for _ in tb:gmatch("in upvalue 'trace'") do count = count + 1 end
    for _ in tb:gmatch("in local 'trace'") do count = count + 1 end
    for _ in tb:gmatch("in function 'trace'") do count = count + 1 end
    return count
  end
  local r = trace(n - 1)
  return r
end
print("frames", trace(6))

-- a yield from deep inside, resumed later
local function gen(n)
  if n == 0 then coroutine.yield("deep") return 100 end
  return gen(n - 1) + 1
end
local co = coroutine.create(gen)
print(coroutine.resume(co, 5))
print(coroutine.resume(co))
print(coroutine.status(co))

-- the upvalue reassigned mid-recursion: the call is no longer a self-call
local function count(n)
  if n == 0 then return 0 end
  if n == 2 then count = function(m) return 1000 + m end end
  return count(n - 1) + 1
end
print(count(4), count(3))

-- two closures of one prototype, each with its own upvalue
local function make(k)
  local function f(n) if n == 0 then return k end return f(n - 1) + 1 end
  return f
end
local a, b = make(100), make(200)
print(a(5), b(7), a(0))

-- a metamethod that recurses, reached from recursion
local mt = {}
mt.__add = function(x, y) return setmetatable({v = x.v + y.v}, mt) end
local function sum(n)
  if n == 0 then return setmetatable({v = 0}, mt) end
  return sum(n - 1) + setmetatable({v = n}, mt)
end
print(sum(10).v)

-- a hook turned on deep inside, and off again
local function hooked(n)
  if n == 3 then
    local calls = 0
    debug.sethook(function() calls = calls + 1 end, "c")
    local r = hooked(n - 1)
    debug.sethook()
    return r + (calls > 0 and 1000 or 0)
  end
  if n == 0 then return 0 end
  return hooked(n - 1) + 1
end
print(hooked(6))

-- collections while inlined frames are live
local function churn(n)
  local t = {n, tostring(n)}
  if n == 0 then collectgarbage() return #t end
  local r = churn(n - 1)
  return r + t[1]
end
print(churn(20))

-- deep recursion, then a stack overflow caught by pcall
local function depth(n) if n == 0 then return 0 end return depth(n - 1) + 1 end
print(depth(10000))
local function forever(n) return forever(n + 1) + 1 end
local ok, msg = pcall(forever, 1)
print(ok, (string.gsub(msg, "^[^:]*:%d+: ", "")))
print(depth(100))

-- global functions calling themselves by name
function gfib(n) if n < 2 then return n end return gfib(n - 1) + gfib(n - 2) end
print(gfib(15))
function gcount(n)
  if n == 0 then return 0 end
  if n == 2 then gcount = function(m) return 500 + m end end
  return gcount(n - 1) + 1
end
print(gcount(4), gcount(1))

-- self-calls with fewer and with more arguments than parameters, and one
-- whose frame needs more stack than its caller's
local function short(a, b)
  if a == 0 then return tostring(b) end
  return short(a - 1) .. "," .. tostring(b)
end
print(short(3, "x"))
local function extra(a, ...)
  if a == 0 then return select("#", ...) end
  return extra(a - 1, a, a, a) + 1
end
print(extra(4, 1))
local function wide(n)
  local a, b, c, d, e, f, g, h, i, j = n, n, n, n, n, n, n, n, n, n
  if n == 0 then return a + j end
  return wide(n - 1) + b + c + d + e + f + g + h + i
end
print(wide(300))
