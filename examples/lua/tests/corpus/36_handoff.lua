-- The specialized body hands a frame back to the generic interpreter when
-- `trap` is set: a hook installed while the frame runs, or a stack
-- reallocation. Each case changes state on both sides of the hand-off and
-- checks that registers, the PC and the hooks carry over exactly.

-- A line hook installed in the middle of a loop, and removed again.
local lines = {}
local function traced(n)
  local acc, f = 0, 1.5
  for i = 1, n do
    if i == 3 then
      debug.sethook(function(_, line) lines[#lines + 1] = line end, "l")
    end
    acc = acc + i * 2
    f = f * 1.25 + acc
    if i == 5 then debug.sethook() end
  end
  return acc, f
end
print(traced(7))
print(#lines, table.concat(lines, ","))

-- A count hook that fires every 3 instructions, set and cleared inside.
local ticks = 0
local function counted(n)
  local s = 0
  debug.sethook(function() ticks = ticks + 1 end, "", 3)
  for i = 1, n do s = s + i % 7 end
  debug.sethook()
  return s
end
print(counted(40), ticks > 0)

-- Call and return hooks set in a caller, seen by its callees.
local events = {}
local function leaf(x) return x * 2 end
local function caller()
  local a = leaf(1)
  debug.sethook(function(ev)
    local info = debug.getinfo(2, "n")
    events[#events + 1] = ev .. ":" .. tostring(info and info.name)
  end, "cr")
  local b = leaf(a) + leaf(a + 1)
  debug.sethook()
  return a, b
end
print(caller())
print(table.concat(events, " "))

-- A hook already on when the function is called (the call hook fires
-- once), with a vararg function.
local seen = 0
local function va(...)
  local t = {...}
  return #t, select("#", ...)
end
debug.sethook(function(ev) if ev == "call" then seen = seen + 1 end end, "c")
local n1, n2 = va(1, nil, 3)
debug.sethook()
print(n1, n2, seen)

-- Stack reallocation: deep recursion from inside a loop moves the Lua
-- stack; the loop's registers must follow it.
local function deep(k) if k == 0 then return 0 end return 1 + deep(k - 1) end
local function grows()
  local x, y, z = 1, 2.5, "s"
  local total = 0
  for i = 1, 4 do
    total = total + deep(2000 * i) + x
    x = x + 1; y = y * 2
  end
  return total, x, y, z
end
print(grows())

-- A hook that changes a local through debug.setlocal while the frame is
-- running specialized code: the change must be seen after the hand-off.
local function patched()
  local v = 10
  debug.sethook(function()
    local name = debug.getlocal(2, 1)
    if name == "v" then debug.setlocal(2, 1, 99) end
    debug.sethook()
  end, "l")
  v = v + 0
  return v
end
print(patched())

-- Errors after a hand-off unwind normally.
local function fails()
  debug.sethook(function() end, "l")
  local t = nil
  local ok, err = pcall(function() return t.x end)
  debug.sethook()
  return ok, (err:gsub("^.-:%d+: ", ""))
end
print(fails())
