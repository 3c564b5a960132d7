-- One OP_EQ instruction (`x == y`, and `~=`) that sees operands of every
-- kind in a loop: integers, floats, an integer and a float with the same
-- value, NaN, zeros of both signs, short and long strings, booleans, nil,
-- tables with and without `__eq`, functions, C functions, coroutines and
-- full userdata. Most are decided without a call; the others (numbers of
-- two variants, long strings, two different tables or userdata) call
-- luaV_equalobj, whose `__eq` may yield or raise an error. The counters
-- updated right after each comparison must be what Lua has on every path.

local eqmt = {__eq = function(p, q) return p.id == q.id end}
local t1, t2 = {id = 1}, {id = 1}
local m1, m2, m3 = setmetatable({id = 1}, eqmt), setmetatable({id = 1}, eqmt), setmetatable({id = 2}, eqmt)
local f1 = function() return 1 end
local f2 = function() return 1 end
local co1 = coroutine.create(function() end)
local long1 = string.rep("long string ", 5)
local long2 = string.rep("long string ", 4) .. "long string "
local nan = 0 / 0

local pairs_list = {
  {1, 1}, {1, 2}, {1, 1.0}, {2.0, 2}, {1.5, 1.5}, {1.5, 2.5}, {nan, nan},
  {0.0, -0.0}, {math.maxinteger, math.maxinteger + 0.0}, {2^53, 2^53 + 1},
  {"a", "a"}, {"a", "b"}, {"a" .. "b", "ab"}, {long1, long2}, {long1, "x"},
  {true, true}, {false, false}, {true, false}, {nil, nil}, {nil, false},
  {t1, t1}, {t1, t2}, {m1, m2}, {m1, m3}, {m1, t1}, {t1, m1},
  {f1, f1}, {f1, f2}, {print, print}, {print, type}, {co1, co1},
  {io.stdout, io.stdout}, {io.stdout, io.stderr}, {1, "1"}, {t1, 1}, {f1, print},
}

local function count(list, rounds)
  local eq, ne, acc = 0, 0, 0
  for r = 1, rounds do
    for i = 1, #list do
      local x, y = list[i][1], list[i][2]
      if x == y then eq = eq + 1; acc = acc + i * r else ne = ne + 1 end
      if x ~= y then acc = acc - i end
    end
  end
  return eq, ne, acc
end
print("count", count(pairs_list, 3))

local results = {}
for i = 1, #pairs_list do
  local x, y = pairs_list[i][1], pairs_list[i][2]
  results[#results + 1] = tostring(x == y) .. "/" .. tostring(y == x)
end
print("each", table.concat(results, " "))

-- a loop of integer comparisons, then a float, then a table with __eq
local function scan(vals, target)
  local hits, last = 0, -1
  for i = 1, #vals do
    if vals[i] == target then hits = hits + 1; last = i end
  end
  return hits, last
end
local vals = {}
for i = 1, 200 do vals[i] = i % 9 end
print("scan", scan(vals, 4), scan(vals, 4.0), scan(vals, "4"))
vals[50] = m2
print("scan eq", scan(vals, m1))

-- __eq that yields inside a coroutine, and one that raises an error
local ymt = {__eq = function(p, q) return coroutine.yield(p.id + q.id) == 0 end}
local y1, y2 = setmetatable({id = 1}, ymt), setmetatable({id = 2}, ymt)
local co = coroutine.wrap(function()
  local n = 0
  for i = 1, 3 do
    if y1 == y2 then n = n + 10 else n = n + 1 end
    n = n + i
  end
  return "done", n
end)
local got = {co()}
local k = 0
while got[1] ~= "done" do
  k = k + 1
  got = {co(k % 2)}
end
print("yield", got[1], got[2], k)

local emt = {__eq = function() error("no equality here") end}
local e1, e2 = setmetatable({}, emt), setmetatable({}, emt)
local ok, msg = pcall(function()
  local n = 0
  for i = 1, 3 do
    if i == 2 and e1 == e2 then n = n + 100 end
    n = n + i
  end
  return n
end)
print("error", ok, (tostring(msg):gsub("^[^:]*:%d+: ", "")))
