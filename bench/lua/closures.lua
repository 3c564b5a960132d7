-- closures.lua: closures, upvalues and higher-order functions.
-- Stresses closure creation, upvalue get/set and indirect calls.

local N = tonumber(arg and arg[1]) or 6500000

local function make_counter(step)
  local count = 0
  return function()
    count = count + step
    return count
  end
end

local function map(f, t)
  local r = {}
  for i = 1, #t do
    r[i] = f(t[i])
  end
  return r
end

local function filter(p, t)
  local r = {}
  for i = 1, #t do
    if p(t[i]) then
      r[#r + 1] = t[i]
    end
  end
  return r
end

local function foldl(f, acc, t)
  for i = 1, #t do
    acc = f(acc, t[i])
  end
  return acc
end

local function compose(f, g)
  return function(x) return f(g(x)) end
end

local function adder(k) return function(x) return x + k end end
local function muler(k) return function(x) return (x * k) % 1000003 end end

-- counters: many closures sharing nothing, each with its own upvalue
local counters = {}
for i = 1, 64 do
  counters[i] = make_counter(i)
end
local csum = 0
for i = 1, N do
  csum = csum + counters[(i % 64) + 1]()
end

-- pipelines: closures created inside the loop
local data = {}
for i = 1, 1000 do data[i] = i end
local total = 0
local rounds = N // 1000
for r = 1, rounds do
  local f = compose(muler(r), adder(r))
  local mapped = map(f, data)
  local evens = filter(function(x) return x % 2 == 0 end, mapped)
  total = foldl(function(a, b) return (a + b) % 1000000007 end, total, evens)
end

print(string.format("counters=%d rounds=%d total=%d", csum, rounds, total))
