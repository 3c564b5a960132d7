-- loops.lua: nested numeric for loops with integer arithmetic.
-- Stresses the numeric for loop, integer ops (//, %, ~, <<, >>) and locals.

local N = tonumber(arg and arg[1]) or 5000

local MASK = 0xFFFFFFFF

local function kernel(n)
  local acc = 0
  local xorsum = 0
  for i = 1, n do
    local row = 0
    for j = 1, n do
      local v = i * j + (i ~ j)
      if v % 3 == 0 then
        row = row + v // 3
      elseif v % 5 == 1 then
        row = row - (v >> 2)
      else
        row = row + (v << 1) % 7919
      end
    end
    acc = (acc * 31 + row) & MASK
    xorsum = xorsum ~ row
  end
  return acc, xorsum
end

local function triangle(n)
  local count = 0
  for a = 1, n do
    for b = a, n, 3 do
      for c = b, b + 4 do
        if (a + b + c) % 7 == 0 then
          count = count + 1
        end
      end
    end
  end
  return count
end

local acc, xorsum = kernel(N)
local tri = triangle(N)
print(string.format("acc=%d xor=%d tri=%d", acc, xorsum, tri))
