-- 43_c_calls.lua: C functions called from specialized code, where the
-- specialized body makes the call itself (one result or none, no hooks)
-- instead of going through luaD_precall: results moved, padded with nil
-- and cut; the stack reallocated during the call; hooks set and cleared by
-- the called function; errors and yields out of it.

local t = {}

-- a C function returning nothing, one result wanted: nil
local x = table.insert(t, 10)
print("insert ->", x, #t)

-- several results, one wanted: the first
local b = string.byte("abc", 1, 3)
print("byte ->", b)

-- no result wanted, from a light C function and a C closure
string.rep("x", 3)
local words = ("alpha beta gamma"):gmatch("%a+")
words()
local w = words()
print("gmatch closure ->", w)

-- arguments up to top (OP_CALL with B = 0): select over an unpack
local big = {}
for i = 1, 300 do big[i] = i * 2 end
local last = select(-1, table.unpack(big))
print("select last ->", last)

-- a loop of C calls with one result, mixing kinds
local acc = 0
for i = 1, 200 do
  local m = math.max(i, 100)
  local f = math.floor(i / 3)
  local s = tostring(i)
  acc = acc + m + f + #s
end
print("loop ->", acc)

-- a hook set by the called function: its own return is hooked (in a
-- fresh frame, as the main chunk may already run generically)
local function hooked()
  local events = {}
  local function hook(ev) events[#events + 1] = ev end
  local warm = math.abs(-1)  -- leaves the free CallInfo the fast path needs
  debug.sethook(hook, "r")
  local n = math.abs(-5)
  debug.sethook()
  return #events, table.concat(events, " "), n + warm
end
print("hook events ->", hooked())

-- an error in the called function, one result wanted
local okE, msg = pcall(function()
  local v = error("boom", 0)
  return v
end)
print("error ->", okE, msg)
local okT, msgT = pcall(function()
  local v = string.rep()
  return v
end)
print("bad argument ->", okT, (msgT:gsub("^[^:]*:%d+: ", "")))

-- a yield out of a C function (coroutine.yield), one result wanted
local co = coroutine.create(function(a)
  local got = coroutine.yield(a + 1)
  local got2 = coroutine.yield(got * 2)
  return got2 .. "!"
end)
print("co ->", coroutine.resume(co, 1))
print("co ->", coroutine.resume(co, 21))
print("co ->", coroutine.resume(co, "end"))
print("co ->", coroutine.status(co))

-- a C function calling back into Lua that calls C again
local sorted = {5, 3, 9, 1, 7}
table.sort(sorted, function(p, q) return math.fmod(p, 10) < math.fmod(q, 10) end)
print("sort ->", table.concat(sorted, ","))

-- the stack reallocated inside the C function: pcall runs a deep
-- recursion, and its first result must land in the moved frame (last:
-- a reallocation sends every running frame to the generic body)
local function deep(n)
  if n == 0 then return "bottom" end
  local r = deep(n - 1)
  return r
end
local before = 7
local ok = pcall(deep, 20000)
local after = before + 1
print("pcall deep ->", ok, before, after)
local ok2, r2 = pcall(deep, 5000)
print("pcall deep two results ->", ok2, r2)

