-- Method calls (`obj:m()`) whose lookup goes through __index tables: the
-- specialized body remembers, per call site, where the method of each of
-- the last few receiver metatables was found, and must notice every change
-- that moves the answer. Each case calls from one site in a loop, changes
-- something between calls, and prints what every call answered.

local function try(f, ...)
  local ok, err = pcall(f, ...)
  if ok then return err end
  return (tostring(err):gsub("^[^:]*:%d+: ", ""))
end

-- One call site: `o:who()`, from inside a loop, so that it is warm. The
-- answers are joined as a string: appending to a table may itself change
-- what the site remembers (a table resize), and hide a stale answer.
local function ask(objs, rounds)
  local out
  for _ = 1, rounds do
    for i = 1, #objs do
      local answer = try(function() return objs[i]:who() end)
      out = out and out .. " " .. answer or answer
    end
  end
  return out
end

local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, { __index = parent }) end
  return c
end

local Base = class()
function Base:who() return "base" end
local Mid = class(Base)
local Leaf = class(Mid)
local a, b, c = setmetatable({}, Base), setmetatable({}, Mid), setmetatable({}, Leaf)
local all = { a, b, c }

print("start", ask(all, 2))
-- A method replaced where it was found (an existing field, rewritten).
Base.who = function() return "base2" end
print("replaced", ask(all, 2))
-- A class on the way gains the method (a new key, in a free node: room
-- made first, so that the insertion does not resize the table).
Mid.spare1, Mid.spare2, Mid.spare3, Mid.spare4 = 1, 2, 3, 4
print("roomy", ask(all, 2))
Mid.who = function() return "mid" end
print("mid gains", ask(all, 2))
-- Removed again (the field stays, empty), then put back: no new key.
Mid.who = nil
print("mid loses", ask(all, 2))
Mid.who = function() return "mid again" end
print("mid again", ask(all, 2))
Mid.who = nil
-- rawset of a class on the way.
rawset(Leaf, "who", function() return "leaf raw" end)
print("leaf rawset", ask(all, 2))
rawset(Leaf, "who", nil)
print("leaf cleared", ask(all, 2))
-- The instance itself gains the method.
c.who = function() return "own" end
print("own field", ask(all, 2))
c.who = nil
-- The method goes away entirely.
Base.who = nil
print("none", ask(all, 1))
Base.who = function() return "base3" end
print("back", ask(all, 1))
-- A metatable's __index rewritten (an existing field) to another table.
local Other = { who = function() return "other" end }
getmetatable(Mid).__index = Other
print("index moved", ask(all, 2))
getmetatable(Mid).__index = Base
print("index back", ask(all, 2))
-- A class's own __index (the receiver's metatable's) rewritten.
Leaf.__index = Other
print("own index moved", ask(all, 2))
Leaf.__index = Leaf
print("own index back", ask(all, 2))
-- A class gets another metatable.
local other_meta = { __index = Other }
print("made", ask(all, 2))
setmetatable(Mid, other_meta)
print("new metatable", ask(all, 2))
setmetatable(Mid, { __index = Base })
-- __index becomes a function.
getmetatable(Mid).__index = function(_, k) return function() return "fn " .. k end end
print("index function", ask(all, 2))
getmetatable(Mid).__index = Base
-- The class that holds the method grows (its fields move to a new hash
-- part) through integer keys only, then its method is rewritten in place.
for i = 1, 100 do Base[i * 1000] = i end
print("grown", ask(all, 2))
Base.who = function() return "base4" end
print("after growth", ask(all, 2))

-- More receiver metatables at one site than it remembers: each answer
-- must still be its own class's.
local many = {}
for i = 1, 7 do
  local k = class(Base)
  local name = "k" .. i
  k.who = function() return name end
  many[i] = setmetatable({}, k)
end
print("many", ask(many, 3))
many[3].who = function() return "own3" end
getmetatable(many[5]).who = nil
print("many changed", ask(many, 2))

-- A metatable whose __index is held weakly: collected, the lookup finds
-- nothing and the call fails as it does in Lua.
local weak = setmetatable({}, { __mode = "v" })
weak.__index = { who = function() return "weak" end }
local w = setmetatable({}, weak)
print("weak", ask({ w }, 2))
collectgarbage()
collectgarbage()
print("collected", ask({ w }, 2))

-- The same site with a metatable made with the same shape again after the
-- first was dropped (its memory may be reused).
local function fresh(tag)
  local k = class()
  k.who = function() return tag end
  return setmetatable({}, k)
end
local out = {}
for round = 1, 6 do
  out[#out + 1] = ask({ fresh("fresh" .. round) }, 2)
  collectgarbage()
end
print("fresh", table.concat(out, " "))
