-- One GETTABLE and one SETTABLE instruction that see keys of every kind:
-- integers inside and past the array part, floats with an integer value
-- (which index the array), other floats, strings, booleans, tables, and a
-- missing key behind `__index` / `__newindex`. A key that is not an
-- integer takes its lookup on a slow path of its own; the registers the
-- instruction's neighbours use (the loop counter, the accumulator, the
-- value just read) must come out the same on both paths, in loops and
-- nested loops, and when the slow path runs a metamethod that yields or
-- raises an error.

local keyt = {}
local keys = {1, 2.0, 3, "s", true, 2.5, keyt, 7, 100, 4.0, false, "long key " .. string.rep("x", 40)}

local t = {10, 20, 30, 40, 50, 60, 70}
t["s"] = 5; t[true] = 6; t[2.5] = 7; t[keyt] = 8; t[100] = 9; t[false] = 11
t["long key " .. string.rep("x", 40)] = 12

-- the same a[k] with k of every kind, its result used right after
local function sum_keys(tab, ks, rounds)
  local acc, seen = 0, 0
  for r = 1, rounds do
    for i = 1, #ks do
      local v = tab[ks[i]]
      acc = acc + v * i + r
      seen = seen + 1
    end
  end
  return acc, seen
end
print("sum", sum_keys(t, keys, 3))

-- integer keys mostly, a string key every 7th time: the counter and the
-- value read before must be what Lua has after either path
local function mostly_ints(n)
  local a = {}
  for i = 1, 16 do a[i] = i end
  a.x = 1000
  local acc = 0
  local i = 1
  while i <= n do
    local k = (i % 7 == 0) and "x" or ((i % 16) + 1)
    local v = a[k]
    acc = acc + v + i
    i = i + 1
  end
  return acc, i
end
print("mostly", mostly_ints(100), mostly_ints(1))

-- SETTABLE with every kind of key, then the values read back
local function set_keys(n)
  local u = {}
  local ks = {1, 2.0, "a", true, 3.5, keyt, 9, 1e300, -0.0, "b"}
  for r = 1, n do
    for i = 1, #ks do
      u[ks[i]] = (u[ks[i]] or 0) + i * r
    end
  end
  local out = {}
  for i = 1, #ks do out[#out + 1] = tostring(u[ks[i]]) end
  return table.concat(out, " "), #u
end
print("set", set_keys(4))

-- a float key equal to an integer finds the array slot the integer does
local arr = {}
for i = 1, 8 do arr[i] = i * i end
local fsum, isum = 0, 0
for i = 1, 8 do
  fsum = fsum + arr[i + 0.0]
  isum = isum + arr[i]
  arr[i * 1.0] = arr[i] + 1
end
print("float keys", fsum, isum, arr[3], arr[3.0], #arr)

-- misses behind __index / __newindex at the non-integer path
local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) log[#log + 1] = "get " .. tostring(k); return 1 end,
  __newindex = function(tab, k, v) log[#log + 1] = "set " .. tostring(k); rawset(tab, k, v) end,
})
local function touch(p, ks)
  local acc = 0
  for i = 1, #ks do
    acc = acc + p[ks[i]] * i
    p[ks[i]] = i
    acc = acc + p[ks[i]]
  end
  return acc
end
print("proxy", touch(proxy, {"a", 1, 2.5, true, "a"}), table.concat(log, ","))

-- the slow path's metamethod yields inside a coroutine, then resumes
local ytab = setmetatable({}, {__index = function(_, k) return coroutine.yield(k) end})
local co = coroutine.wrap(function()
  local acc = 0
  for i = 1, 4 do
    local k = (i % 2 == 0) and ("k" .. i) or i
    local v = ytab[k]
    acc = acc + (v or 0) + i
  end
  return "done", acc
end)
local r = {co()}
while r[1] ~= "done" do
  r = {co(#tostring(r[1]))}
end
print("yield", r[1], r[2])

-- an error on the slow path: indexing nil with a string key, caught
local function bad(tabs)
  local acc = 0
  for i = 1, #tabs do
    acc = acc + tabs[i]["f"]
  end
  return acc
end
local ok, msg = pcall(bad, {{f = 1}, {f = 2}, 5})
print("error", ok, (msg:gsub("^[^:]*:%d+: ", "")))

-- a nil key reads nil, stores raise
local ok2, msg2 = pcall(function() local n; local z = {}; z[n] = 1 end)
print("nil key", t[nil], ok2, (msg2:gsub("^[^:]*:%d+: ", "")))
local ok3, msg3 = pcall(function() local z = {}; z[0/0] = 1 end)
print("nan key", ok3, (msg3:gsub("^[^:]*:%d+: ", "")))
