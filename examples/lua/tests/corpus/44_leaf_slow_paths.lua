-- 44_leaf_slow_paths.lua: small functions with no loop and no call (leaf
-- functions) whose instructions sometimes take their slow path (a
-- metamethod, a string coerced to a number, a float where an integer was,
-- a missing field behind __index). In such a function a slow path runs the
-- rest of the function in copies of its own instead of joining the fast
-- path at the next instruction: both copies must compute the same as Lua,
-- whichever instruction the slow path starts at, and what a metamethod
-- does (set a hook, yield, raise an error) must be seen.

local V = {}
V.__index = V
V.__add = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return setmetatable({v = x + y}, V)
end
V.__mul = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return setmetatable({v = x * y}, V)
end
V.__sub = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return setmetatable({v = x - y}, V)
end
V.__lt = function(a, b)
  local x = type(a) == "table" and a.v or a
  local y = type(b) == "table" and b.v or b
  return x < y
end
V.__eq = function(a, b) return a.v == b.v end
V.__unm = function(a) return setmetatable({v = -a.v}, V) end
V.__len = function(a) return a.v end
local function val(x) if type(x) == "table" then return "V" .. tostring(x.v) end return tostring(x) end

-- slow path at the first, the middle or the last arithmetic instruction
local function f1(a, b) local c = a + b; local d = c * 2; return d - 1 end
local function f2(a, b, k) local c = a * k; local d = c + b; return -d end
local function f3(a) local t = a + 1; return t < 10, t == a, -t end
local function f4(o) return o.x + o.y * 2 end
local function f5(a, b) if a < b then return a + b else return a * b end end

local inputs = {
  {1, 2}, {1.5, 2}, {"3", 4}, {setmetatable({v = 5}, V), 6}, {7, 8},
  {2^53, 1}, {math.maxinteger, 1}, {-0.0, 0}, {"0x10", "1"}, {9, 10},
}
local acc = {}
for round = 1, 3 do
  for i, p in ipairs(inputs) do
    local a, b = p[1], p[2]
    local ok, r5 = pcall(f5, a, b)
    acc[#acc + 1] = val(f1(a, b)) .. "," .. val(f2(a, b, round)) .. "," .. (ok and val(r5) or "err")
  end
end
print(table.concat(acc, " "))

for _, a in ipairs({1, 2.5, 9, 10.0, "4"}) do
  local lt, eq, n = f3(a)
  print("f3", val(a), lt, eq, val(n))
end
local w = setmetatable({v = 3}, V)
local lt, eq, n = f3(w)
print("f3 V", lt, eq, val(n))

-- fields: present, behind __index, a float, a string
local base = {y = 100}
local objs = {
  {x = 1, y = 2}, setmetatable({x = 1}, {__index = base}), {x = 1.5, y = 0.25},
  {x = "2", y = 3}, {x = setmetatable({v = 1}, V), y = 4},
}
for r = 1, 2 do
  for i, o in ipairs(objs) do io.write(val(f4(o)), " ") end
end
print()

-- a metamethod that sets a hook: the rest of the leaf and its caller see it
local calls = 0
local H = setmetatable({v = 1}, {__add = function(a, b)
  debug.sethook(function() calls = calls + 1 end, "c")
  return 40
end})
print("hooked", f1(H, 1), f1(2, 3))
debug.sethook()
print("hook calls seen", calls > 0)

-- a metamethod that yields inside a coroutine, and one that raises
local Y = setmetatable({}, {__add = function(a, b) return coroutine.yield("add") + 1 end})
local co = coroutine.wrap(function() return f1(Y, 0), f1(1, 1) end)
print("yield", co())
print("resumed", co(20))
local E = setmetatable({}, {__mul = function() error("no mul", 0) end})
print("error", pcall(f2, E, 1, 2))
print("error then fast", f2(3, 4, 5))

-- many calls, slow one call in seven: the fast copy and the slow copy alternate
local sum = 0
local s7 = setmetatable({v = 7}, V)
for i = 1, 7000 do
  local r = f1(i % 7 == 0 and s7 or i, i)
  sum = sum + (type(r) == "table" and r.v or r)
end
print("sum", sum)
