-- a small class system: classes, inheritance, methods with ':', super calls
local function class(parent)
  local c = {}
  c.__index = c
  if parent then setmetatable(c, {__index = parent}) end
  c.super = parent
  c.new = function(cls, ...)
    local obj = setmetatable({}, cls)
    if obj.init then obj:init(...) end
    return obj
  end
  return c
end

local Animal = class()
function Animal:init(name, sound)
  self.name = name
  self.sound = sound or "..."
end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end
Animal.__tostring = function(self) return "<" .. self:kind() .. " " .. self.name .. ">" end

local Dog = class(Animal)
Dog.__tostring = Animal.__tostring
function Dog:init(name, breed)
  Animal.init(self, name, "woof")
  self.breed = breed
end
function Dog:kind() return "dog" end
function Dog:fetch() return self.name .. " fetches the ball" end

local Puppy = class(Dog)
Puppy.__tostring = Dog.__tostring
function Puppy:speak() return Dog.speak(self) .. " (squeaky)" end
function Puppy:kind() return "puppy" end

local a = Animal:new("Generic")
local d = Dog:new("Rex", "collie")
local p = Puppy:new("Bit", "beagle")
print(a:speak())
print(d:speak(), d:fetch(), d.breed)
print(p:speak(), p:fetch(), p.breed)
print(tostring(a), tostring(d), tostring(p))
print(getmetatable(p) == Puppy, Puppy.super == Dog, Dog.super == Animal, Animal.super)

local function is_instance(obj, cls)
  local mt = getmetatable(obj)
  while mt do
    if mt == cls then return true end
    mt = mt.super
  end
  return false
end
print(is_instance(p, Animal), is_instance(d, Puppy), is_instance(a, Dog))

-- account with private state via closures
local function Account(owner, balance)
  local self = {}
  local history = {}
  function self.deposit(v)
    balance = balance + v
    history[#history + 1] = "+" .. v
  end
  function self.withdraw(v)
    if v > balance then error("insufficient funds", 2) end
    balance = balance - v
    history[#history + 1] = "-" .. v
  end
  function self.report() return owner .. ": " .. balance .. " [" .. table.concat(history, " ") .. "]" end
  return self
end
local acct = Account("ann", 100)
acct.deposit(50)
acct.withdraw(30)
local ok, err = pcall(acct.withdraw, 1000)
print(acct.report(), ok, err)

-- stack class with metamethods
local Stack = class()
function Stack:init() self.items = {} end
function Stack:push(...) for _, v in ipairs({...}) do self.items[#self.items + 1] = v end return self end
function Stack:pop() return table.remove(self.items) end
function Stack:peek() return self.items[#self.items] end
Stack.__len = function(self) return #self.items end
Stack.__tostring = function(self) return "Stack(" .. table.concat(self.items, ",") .. ")" end
Stack.__eq = function(x, y)
  if #x ~= #y then return false end
  for i = 1, #x do if x.items[i] ~= y.items[i] then return false end end
  return true
end
local s1 = Stack:new():push(1, 2, 3)
local s2 = Stack:new():push(1, 2, 3)
print(tostring(s1), #s1, s1 == s2, s1:pop(), s1 == s2, s1:peek(), #s1)

-- shapes: polymorphism
local Shape = class()
function Shape:area() return 0 end
function Shape:describe() return string.format("%s with area %.2f", self.label, self:area()) end
local Rect = class(Shape)
function Rect:init(w, h) self.w, self.h, self.label = w, h, "rect" end
function Rect:area() return self.w * self.h end
local Circle = class(Shape)
function Circle:init(r) self.r, self.label = r, "circle" end
function Circle:area() return math.pi * self.r ^ 2 end
local Square = class(Rect)
function Square:init(s) Rect.init(self, s, s); self.label = "square" end
local shapes = {Rect:new(3, 4), Circle:new(1), Square:new(5), Circle:new(2.5)}
table.sort(shapes, function(x, y) return x:area() < y:area() end)
for _, s in ipairs(shapes) do print(s:describe()) end
local total = 0
for _, s in ipairs(shapes) do total = total + s:area() end
print(string.format("total %.3f", total))
