-- metatables: __index chains, __newindex, __call, __tostring, comparisons,
-- __concat, __len, arithmetic metamethods and __close
local Base = {kind = "base", hello = function() return "hello from base" end}
local Mid = setmetatable({kind = "mid"}, {__index = Base})
local obj = setmetatable({}, {__index = Mid})
print(obj.kind, obj.hello(), rawget(obj, "kind"))

local calls = 0
local lazy = setmetatable({}, {__index = function(t, k)
  calls = calls + 1
  local v = k * 2
  rawset(t, k, v)
  return v
end})
print(lazy[5], lazy[5], lazy[7], calls)

local log = {}
local store = {}
local proxy = setmetatable({}, {
  __index = store,
  __newindex = function(t, k, v)
    log[#log + 1] = tostring(k) .. "=" .. tostring(v)
    rawset(store, k, v)
  end,
})
proxy.a = 1
proxy.b = 2
proxy.a = 3
print(proxy.a, proxy.b, rawget(proxy, "a"), table.concat(log, " "))

local redirect = {}
local r = setmetatable({}, {__newindex = redirect})
r.x = 10
print(rawget(r, "x"), redirect.x)

local Callable = setmetatable({}, {__call = function(self, a, b) return "called with " .. a .. " and " .. b end})
print(Callable(1, 2))

local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x * a.x + a.y * a.y < b.x * b.x + b.y * b.y end
V.__le = function(a, b) return a.x * a.x + a.y * a.y <= b.x * b.x + b.y * b.y end
V.__tostring = function(a) return "(" .. a.x .. ", " .. a.y .. ")" end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
V.__len = function(a) return 2 end
V.__idiv = function(a, n) return vec(a.x // n, a.y // n) end
V.__mod = function(a, n) return vec(a.x % n, a.y % n) end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), tostring(2 * a), tostring(a * 3), a * b)
print(tostring(-a), a == vec(1, 2), a ~= b, a == b, a < b, b < a, a <= vec(2, 1), b > a, b >= a)
print(a .. b, a .. "!", "v=" .. a, #a)
print(tostring(vec(7, 9) // 2), tostring(vec(7, 9) % 4))
print(rawequal(a, vec(1, 2)), rawlen(a))

local Str = setmetatable({}, {__tostring = function() return "custom!" end, __name = "MyType"})
print(tostring(Str), Str)

local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot), pcall(setmetatable, prot, {}))
print(getmetatable("abc").__index == string, ("x"):upper())

do
  local order = {}
  local function closer(name)
    return setmetatable({}, {__close = function(self, err)
      order[#order + 1] = name .. (err and (":" .. tostring(err)) or "")
    end})
  end
  do
    local x <close> = closer("x")
    local y <close> = closer("y")
    local z <close> = nil
    order[#order + 1] = "body"
  end
  print(table.concat(order, ","))
  order = {}
  local ok, err = pcall(function()
    local w <close> = closer("w")
    error("oops", 0)
  end)
  print(ok, err, table.concat(order, ","))
  local c <const> = 42
  print(c)
  order = {}
  local function early()
    local q <close> = closer("q")
    for i = 1, 3 do
      local loopvar <close> = closer("loop" .. i)
      if i == 2 then return "returned" end
    end
  end
  print(early(), table.concat(order, ","))
end

local defaults = setmetatable({}, {__index = function(_, k) return "default_" .. k end})
print(defaults.color, defaults.size)

local counter = setmetatable({}, {__index = function(t, k) return 0 end})
for _, w in ipairs({"a", "b", "a", "c", "a", "b"}) do counter[w] = counter[w] + 1 end
print(counter.a, counter.b, counter.c, counter.d)
