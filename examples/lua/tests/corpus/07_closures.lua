-- closures and upvalues
local function counter(start)
  local n = start or 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter(100)
print(c1(), c1(), c1(), c2(), c2(), c1())

local function pair()
  local value = 0
  local function get() return value end
  local function set(v) value = v end
  local function inc() value = value + 1 end
  return get, set, inc
end
local get, set, inc = pair()
set(10); inc(); inc()
print(get())

local fns = {}
for i = 1, 5 do fns[i] = function() return i * 10 end end
local out = {}
for i = 1, 5 do out[i] = fns[i]() end
print(table.concat(out, " "))

local shared = {}
local j = 1
while j <= 3 do
  local k = j
  shared[j] = function() return k, j end
  j = j + 1
end
for i = 1, 3 do print(shared[i]()) end

local acc = {}
do
  local x = 0
  for i = 1, 3 do
    acc[i] = function() x = x + i; return x end
  end
end
print(acc[1](), acc[2](), acc[3](), acc[1]())

local function make_adder(a)
  return function(b)
    return function(c) return a + b + c end
  end
end
print(make_adder(1)(2)(3))

local function memoize(f)
  local cache, hits = {}, 0
  return function(n)
    if cache[n] then hits = hits + 1; return cache[n] end
    local v = f(n)
    cache[n] = v
    return v
  end, function() return hits end
end
local fib
local hits
fib, hits = memoize(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(80), hits())

local function compose(...)
  local fs = table.pack(...)
  return function(x)
    for i = fs.n, 1, -1 do x = fs[i](x) end
    return x
  end
end
local f = compose(function(x) return x + 1 end, function(x) return x * 2 end, math.abs)
print(f(-5))

local gen = {}
for _, name in ipairs({"alpha", "beta"}) do
  gen[#gen + 1] = function(suffix) return name .. suffix end
end
print(gen[1]("!"), gen[2]("?"))

local function outer()
  local v = 1
  local function mid()
    local function inner() v = v * 3; return v end
    return inner
  end
  return mid(), function() return v end
end
local inner, peek = outer()
inner(); inner()
print(peek())

local x = 1
local function show() return x end
x = 2
print(show())
local x = 3
print(show(), x)
