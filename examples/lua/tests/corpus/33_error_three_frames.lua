-- A Lua error raised inside a function and caught by pcall three frames
-- up: the message, what the frames changed before the error, and the
-- state afterwards (upvalues, tables, the catching frame's locals).
local log = {}
local counter = 0
local function level3(t, n)
  counter = counter + 1
  t.before = n
  if n > 2 then error("boom at " .. n) end
  t.after = n
  return n * 2
end
local function level2(t, n)
  local r = level3(t, n + 1)
  log[#log + 1] = "level2 " .. r
  return r + 1
end
local function level1(t, n)
  local r = level2(t, n + 1)
  log[#log + 1] = "level1 " .. r
  return r + 1
end
local function level0(n)
  local t = {}
  local mine = n * 10
  local ok, err = pcall(level1, t, n)
  return ok, err, t.before, t.after, mine
end
print(level0(0))
print(level0(1))
print(counter, #log, table.concat(log, ","))

-- An error object that is a table keeps its identity.
local E = {code = 42}
local function thrower() error(E) end
local function mid() thrower() end
local ok, e = pcall(function() mid() end)
print(ok, e == E, e.code)

-- error(msg, 2) names the caller's line.
local function checkarg(x)
  if type(x) ~= "number" then error("expected number", 2) end
  return x
end
local function user() return checkarg("x") end
print(pcall(user))

-- After many caught errors, calls still work (and nest deeply).
local function deep(n) if n == 0 then return 0 end return 1 + deep(n - 1) end
for _ = 1, 500 do pcall(level1, {}, 5) end
print(deep(100), deep(3000), counter)

-- An error three frames deep inside a coroutine, caught by resume.
local co = coroutine.create(function(a)
  local r = level1({}, a)
  coroutine.yield(r)
  return "end"
end)
print(coroutine.resume(co, 0))
print(coroutine.resume(co))
print(coroutine.resume(co))
local co2 = coroutine.create(function() level1({}, 5) end)
print(coroutine.resume(co2))
print(coroutine.status(co2))

-- xpcall's handler runs before the frames unwind: it sees them.
print(xpcall(level1, function(m) return "handled: " .. m .. " / " .. debug.getinfo(2, "n").name end, {}, 7))
