-- Calls of C functions that want two or more results, or all of them
-- (a call as the last argument, in a table constructor, in a return):
-- fewer results than wanted (padded with nil), more (dropped), none; C
-- functions that call back into Lua, raise errors caught by pcall, yield
-- through coroutine.wrap, and set a hook that sees the return.

local s = "hello world, hello lua"
local a, b = string.find(s, "world")
local c, d, e = string.find(s, "(h%a+)")
local f, g, h, i = string.find(s, "zzz")
print("find", a, b, c, d, e, f, g, h, i)

local function count_all(...) return select("#", ...), ... end
print("multret", count_all(string.byte("abc", 1, -1)))
print("multret none", count_all(string.byte("", 1, -1)))
local t = {string.byte("lua!", 1, -1)}
print("constructor", #t, t[1], t[4])
print("unpack", table.unpack({1, 2, 3}))
print("select", select(2, "a", "b", "c"), select(-1, "x", "y"))

local function first_two(...) local x, y = select(1, ...) return x, y end
print("first_two", first_two(9, 8, 7))

-- pcall: results of the called function, or false and the message
local ok, r1, r2, r3 = pcall(string.find, s, "(l+)(o)")
print("pcall ok", ok, r1, r2, r3)
local ok2, msg, extra = pcall(error, {code = 7})
print("pcall err", ok2, type(msg), msg.code, extra)
local ok3, m3 = pcall(string.rep)
print("pcall bad arg", ok3, (m3:gsub("^[^:]*:%d+: ", "")))

-- C functions calling back into Lua, results wanted in a loop
local acc = 0
for k = 1, 50 do
  local out, n = string.gsub("a-b-c", "%a", function(x) return x:upper() .. k end)
  local lo, hi = math.min(k, 25), math.max(k, 25)
  local q, r = math.modf(k / 4)
  acc = acc + n + lo + hi + q + (r * 4) + #out
end
print("loop", acc)

-- a coroutine.wrap closure (C) returning several values per resume
local gen = coroutine.wrap(function(x)
  local y, z = coroutine.yield(x, x * 2, x * 3)
  local w = coroutine.yield(y + z)
  return w, "end", nil, 4
end)
local p1, p2, p3, p4 = gen(5)
local q1, q2 = gen(10, 20)
local r1_, r2_, r3_, r4_, r5_ = gen(99)
print("wrap", p1, p2, p3, p4, q1, q2, r1_, r2_, r3_, r4_, r5_)

-- a hook set by the called function sees its return
local events = {}
local function sethook_and_return()
  debug.sethook(function(ev) events[#events + 1] = ev end, "r")
  return 1, 2
end
local h1, h2 = pcall(sethook_and_return)
debug.sethook()
print("hook", h1, h2, #events > 0)

-- next with several results wanted, and table.unpack's range
local nk, nv, nextra = next({answer = 42})
print("next", nk, nv, nextra)
local u1, u2, u3, u4 = table.unpack({1, 2, 3, 4, 5}, 2, 3)
print("unpack range", u1, u2, u3, u4)
