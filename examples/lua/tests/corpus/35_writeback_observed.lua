-- Values a Lua function holds in its registers (locals, temporaries) must be
-- in the Lua stack whenever something else can look: debug.getlocal from a
-- callee, a metamethod, a GC step with finalizers, a hook. If a specializer
-- keeps registers in Wasm locals, these are the points where it must write
-- them back.

-- debug.getlocal of the caller's locals, right after they change.
local function peek(level)
  local out = {}
  local i = 1
  while true do
    local name, value = debug.getlocal(level + 1, i)
    if not name then break end
    if name:sub(1, 1) ~= "(" then
      if type(value) == "table" then value = "{" .. #value .. "}" end
      out[#out + 1] = name .. "=" .. tostring(value)
    end
    i = i + 1
  end
  return table.concat(out, " ")
end

local function counting(n)
  local a, b, c = 0, 1, 2
  local seen = {}
  for i = 1, n do
    a = a + i
    b = b * 2
    c = a - b
    seen[#seen + 1] = peek(1)
  end
  return table.concat(seen, " | ")
end
print(counting(3))

-- A metamethod sees the operands and the caller's locals as they are.
local V = {}
V.__index = V
V.__add = function(x, y)
  return setmetatable({v = x.v + y.v, caller = peek(2)}, V)
end
V.__lt = function(x, y) return x.v < y.v end
V.__concat = function(x, y)
  local xs = type(x) == "table" and x.v or x
  local ys = type(y) == "table" and y.v or y
  return xs .. "~" .. ys
end
local function adds()
  local p = setmetatable({v = 1}, V)
  local q = setmetatable({v = 10}, V)
  local k = 5
  local r = p + q
  k = k + r.v
  local s = r + p
  print(r.v, s.v, k, p < q, q < p, p .. q, 3 .. s)
  print(s.caller)
end
adds()

-- Full collections with finalizers while the function's locals hold some
-- of the objects: exactly the unreachable ones are finalized, and the
-- locals read back through debug.getlocal afterwards.
local log = {}
local function gc_steps()
  local total = 0
  local keep = {}
  for i = 1, 200 do
    local obj = setmetatable({i = i}, {__gc = function(o) log[#log + 1] = o.i end})
    if i % 50 == 0 then keep[#keep + 1] = obj end
    total = total + i
  end
  collectgarbage("collect")
  local after = peek(1)
  collectgarbage("step", 0)
  return total, #keep, after
end
print(gc_steps())
table.sort(log)
print(#log, log[1], log[#log])

-- A line hook reads the current function's locals on every line.
local trace = {}
local function hooked(n)
  local x = 0
  for i = 1, n do
    x = x * 3 + i
  end
  return x
end
debug.sethook(function(event, line)
  local info = debug.getinfo(2, "f")
  if info.func == hooked then
    -- (before `x` is declared, slot 2 is a temporary: skip it)
    local name, x = debug.getlocal(2, 2)
    if name == "x" then trace[#trace + 1] = tostring(x) end
  end
end, "l")
local r = hooked(4)
debug.sethook()
print(r, table.concat(trace, ","))

-- Weak tables: a value only a register holds survives a full collection.
local weak = setmetatable({}, {__mode = "v"})
local function hold()
  local t = {"held"}
  weak[1] = t
  weak[2] = {"dropped"}
  collectgarbage("collect")
  return weak[1] == t, weak[2] == nil, t[1]
end
print(hold())
