-- methods.lua: method calls through metatables and __index inheritance.
-- Stresses self calls, metatable lookup chains and table field access.

local N = tonumber(arg and arg[1]) or 5000000

local Shape = {}
Shape.__index = Shape

function Shape.new(name)
  local self = setmetatable({}, Shape)
  self.name = name
  self.moves = 0
  return self
end

function Shape:area() return 0 end
function Shape:perimeter() return 0 end
function Shape:move(dx)
  self.moves = self.moves + dx
  return self
end
function Shape:score()
  return self:area() * 2 + self:perimeter() + self.moves
end

local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect

function Rect.new(w, h)
  local self = Shape.new("rect")
  self.w, self.h = w, h
  return setmetatable(self, Rect)
end

function Rect:area() return self.w * self.h end
function Rect:perimeter() return 2 * (self.w + self.h) end

local Square = setmetatable({}, { __index = Rect })
Square.__index = Square

function Square.new(s)
  local self = Rect.new(s, s)
  self.name = "square"
  return setmetatable(self, Square)
end

function Square:perimeter() return 4 * self.w end

local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle

function Circle.new(r)
  local self = Shape.new("circle")
  self.r = r
  return setmetatable(self, Circle)
end

-- integer "area" keeps the checksum exact
function Circle:area() return 3 * self.r * self.r end
function Circle:perimeter() return 6 * self.r end

local shapes = {}
for i = 1, 32 do
  local k = i % 3
  if k == 0 then
    shapes[i] = Rect.new(i, i + 1)
  elseif k == 1 then
    shapes[i] = Square.new(i)
  else
    shapes[i] = Circle.new(i)
  end
end

local total = 0
for i = 1, N do
  local s = shapes[(i % 32) + 1]
  total = total + s:move(i % 3):score()
end

local names = {}
for i = 1, 4 do names[i] = shapes[i].name end
print(string.format("total=%d names=%s", total, table.concat(names, ",")))
