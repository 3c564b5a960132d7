-- mandelbrot.lua: Mandelbrot set escape-time over an N x N grid.
-- Stresses float arithmetic and tight while loops. Prints a checksum only.

local N = tonumber(arg and arg[1]) or 1250
local MAX_ITER = 50

local function escape(cr, ci)
  local zr, zi = 0.0, 0.0
  local zr2, zi2 = 0.0, 0.0
  local iter = 0
  while iter < MAX_ITER and zr2 + zi2 <= 4.0 do
    zi = 2.0 * zr * zi + ci
    zr = zr2 - zi2 + cr
    zr2 = zr * zr
    zi2 = zi * zi
    iter = iter + 1
  end
  return iter
end

local inside, total, bits = 0, 0, 0
local hash = 0
for y = 0, N - 1 do
  local ci = 2.0 * y / N - 1.0
  for x = 0, N - 1 do
    local cr = 2.0 * x / N - 1.5
    local it = escape(cr, ci)
    total = total + it
    if it == MAX_ITER then
      inside = inside + 1
      bits = bits + 1
    end
    bits = bits << 1
    if (x & 7) == 7 then
      hash = (hash * 31 + (bits & 0xFF)) & 0xFFFFFFFF
      bits = 0
    end
  end
end

print(string.format("size=%d inside=%d iters=%d hash=%08x", N, inside, total, hash))
