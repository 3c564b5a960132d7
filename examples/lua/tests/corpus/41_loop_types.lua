-- Loops whose registers change type between iterations, on the paths the
-- specialized body treats as slow: a float `%` and `//`, a bitwise
-- operator on a float with an integral value, a for loop that is not all
-- integers (a float limit or step, a string limit), all inside small
-- innermost loops that also run their integer path.

-- an accumulator that turns float halfway, then back to integer
local function mixed(n)
  local acc, row = 0, 0
  for i = 1, n do
    local v = (i ~ 5) + i * 3
    if i == n // 2 then acc = acc + 0.5 end
    if v % 4 == 1 then
      row = row + v // 4
    else
      row = row - (v >> 1) + (v << 2) % 997
    end
    acc = acc + row % 11
    if i == n // 2 + 1 then acc = math.floor(acc) end
  end
  return acc, row, math.type(acc)
end
print(mixed(10), mixed(101))

-- `%` and `//` on floats every other iteration
local function alternating(n)
  local s, q = 0, 0
  for i = 1, n do
    local x = (i % 2 == 0) and i + 0.0 or i
    s = s + x % 7
    q = q + x // 4
  end
  return s, q, math.type(s), math.type(q)
end
print(alternating(9), alternating(40))

-- bitwise operators on floats with integral values, and one that fails
local function bits(n)
  local b = 0
  for i = 1, n do
    local f = i * 1.0
    b = b ~ (f << 1) ~ (f & 6) ~ (3 | f)
  end
  return b, math.type(b)
end
print(bits(17))
print(pcall(function() local x = 0 for i = 1, 3 do x = x ~ (i + 0.5) end return x end))

-- inner loops whose limits and steps are floats, strings, or change
local function limits(n)
  local count, sum = 0, 0
  for i = 1, n do
    local lim = (i % 3 == 0) and i + 0.5 or ((i % 3 == 1) and i or tostring(i))
    for j = 1, lim do count = count + 1; sum = sum + j end
    for j = i, 1, -0.5 do sum = sum + j end
  end
  return count, sum, math.type(sum)
end
print(pcall(limits, 6))
local function limits2(n)
  local count = 0
  for i = 1, n do
    local lim = (i % 2 == 0) and i + 0.5 or i
    for j = 1, lim do count = count + j % 3 end
  end
  return count
end
print(limits2(30))

-- a loop control variable used as a float after the loop changes type
local function steps(n)
  local t = 0
  for i = 1, n do
    local step = (i > n // 2) and 0.25 or 1
    for j = 0, 2, step do t = t + j * 2 end
  end
  return t, math.type(t)
end
print(steps(8))

-- division by zero inside the loop: integer raises, float gives inf/nan
print(pcall(function() local s = 0 for i = 3, 0, -1 do s = s + 10 // i end return s end))
print(pcall(function() local s = 0 for i = 3, 0, -1 do s = s + 10 % i end return s end))
local r = {}
for i = 2, 0, -1 do r[#r + 1] = tostring(10.0 // i) .. "," .. tostring(i > 0 and 10.0 % i or -10.0 // i) end
print(table.concat(r, " "))
