-- multiple assignment, evaluation order, scoping and shadowing, integer keys
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local t = {1, 2, 3}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
local x, y, z = (function() return 1, 2, 3 end)()
print(x, y, z)
local p, q = 1, (function() return 2, 3 end)()
print(p, q)

local v = "outer"
do
  local v = "inner"
  print(v)
  do
    local v = v .. "-nested"
    print(v)
  end
end
print(v)

local function shadow(v)
  local v = v * 2
  return v
end
print(shadow(21))

g_global = "set"
print(g_global, _G.g_global, _ENV.g_global)
_G.g_global = nil
print(g_global, rawget(_G, "g_global"))

local keys = {}
keys[1] = "a"; keys[2.0] = "b"; keys["3"] = "c"; keys[2^53] = "big"
print(keys[1.0], keys[2], keys[3], keys["3"], keys[math.tointeger(2^53)])
local n = 0
for k, val in pairs(keys) do n = n + 1 end
print("distinct keys:", n)

local r = {}
r.x, r.y = 1
print(r.x, r.y)

local and_or = {nil and 1, false or "default", 0 and "zero is true", "" and "empty string is true", nil or false}
print(and_or[1], and_or[2], and_or[3], and_or[4], and_or[5])
print(not nil, not 0, not not "x", 1 and 2 or 3, nil and 2 or 3, false ~= nil)

local chain = {}
chain.a = {}; chain.a.b = {}; chain.a.b.c = "end"
local path = {"a", "b", "c"}
local cur = chain
for _, k in ipairs(path) do cur = cur[k] end
print(cur)

local calls = {}
local function mark(name, val) calls[#calls + 1] = name; return val end
local res = mark("f1", 1) + mark("f2", 2) * mark("f3", 3)
print(res, table.concat(calls, ","))

local long_string = [[
line one
line two]]
print(long_string, #long_string)
print(0x10, 0xff, 0XA, 1e2, 1E-2, 0x1p4, 3 == 3.0, 0xA.8p0)
print(100000000000000, 0x7fffffffffffffff, 0xffffffffffffffff, 9223372036854775807)
print(9223372036854775808, -9223372036854775808, math.type(-9223372036854775808))
