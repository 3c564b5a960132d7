-- Field and method lookups by string key: the specialized body reads the
-- first nodes of a key's chain inline and walks up to three __index tables
-- of a method call itself; everything else goes to Lua's own code. Each
-- case below is on one side of those limits.

local function try(f, ...)
  local ok, err = pcall(f, ...)
  if ok then return "ok" end
  return (tostring(err):gsub("^[^:]*:%d+: ", ""))
end

-- Tables with many fields, so that keys share chains of several nodes;
-- every field is read back, present and absent, in a loop.
local t = {}
local names = {}
for i = 1, 40 do
  local k = "f" .. i
  names[#names + 1] = k
  t[k] = i * 3
end
local sum, absent = 0, 0
for round = 1, 3 do
  for _, k in ipairs(names) do sum = sum + t[k] end
  for i = 41, 80 do
    if t["f" .. i] == nil then absent = absent + 1 end
  end
end
print("chained fields", sum, absent)

-- Fixed field names in code (constant keys), with collisions.
local p = { alpha = 1, beta = 2, gamma = 3, delta = 4, epsilon = 5, zeta = 6, eta = 7,
            theta = 8, iota = 9, kappa = 10, lambda = 11, mu = 12, nu = 13 }
local acc = 0
for i = 1, 100 do
  acc = acc + p.alpha + p.beta + p.gamma + p.delta + p.epsilon + p.zeta + p.eta
  acc = acc + p.theta + p.iota + p.kappa + p.lambda + p.mu + p.nu
  if p.omicron ~= nil or p.pi ~= nil then acc = -1 end
  p.delta = p.delta + 1
end
print("constant keys", acc, p.delta)

-- Method calls through 1 to 5 levels of __index tables.
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  return c
end
local A = class()
function A:who() return "A" end
function A:depth() return 1 end
local B = class(A)
function B:depth() return 2 end
local C = class(B)
local D = class(C)
local E = class(D)
function E:who() return "E" end
local objs = { setmetatable({}, A), setmetatable({}, B), setmetatable({}, C),
               setmetatable({}, D), setmetatable({}, E) }
for round = 1, 2 do
  local line = {}
  for i, o in ipairs(objs) do
    line[#line + 1] = o:who() .. o:depth()
  end
  print("levels", table.concat(line, " "))
end

-- A method found nowhere: nil, and calling it is an error that names it.
print("missing", try(function() return objs[5]:nothere() end))
print("missing field", objs[5].nothere)

-- An __index function two levels up, and one that is itself a method.
local F = class(setmetatable({}, { __index = function(_, k) return function() return "fn:" .. k end end }))
local f = setmetatable({}, F)
print("index function", f:anything(), f:other())

-- __index that is neither a table nor a function.
local G = setmetatable({}, { __index = 42 })
print("bad index", try(function() return G:m() end))

-- A loop of __index tables.
local L1, L2 = {}, {}
setmetatable(L1, { __index = L2 })
setmetatable(L2, { __index = L1 })
print("loop", try(function() return L1:m() end))

-- A method name longer than a short string (40 bytes).
local long = string.rep("m", 50)
local H = class(A)
H[long] = function() return "long" end
local h = setmetatable({}, H)
print("long name", h[long](h), (h:who()))

-- Methods of strings (the receiver is not a table).
print("strings", ("abc"):upper(), ("x"):rep(3, "-"))

-- A class changed while its objects are in use: __index removed, then
-- restored, then a method added to a base class.
local I = class(A)
local i = setmetatable({}, I)
local before = i:who()
I.__index = nil
local during = try(function() return i:who() end)
I.__index = I
function A:late() return "late" end
print("changed", before, during, i:who(), i:late())

-- A field set through __newindex tables and read back through __index.
local store = {}
local proxy = setmetatable({}, { __index = store, __newindex = store })
for k = 1, 20 do proxy["k" .. k] = k end
local s2 = 0
for k = 1, 20 do s2 = s2 + proxy["k" .. k] end
print("proxy", s2, rawget(proxy, "k1"), store.k20)
