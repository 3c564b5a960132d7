-- sieve.lua: sieve of Eratosthenes on a Lua table, repeated N times.
-- Stresses table array-part reads/writes, numeric loops and table allocation.

local N = tonumber(arg and arg[1]) or 300
local LIMIT = 100000

local function sieve(n)
  local composite = {}
  for i = 1, n do
    composite[i] = false
  end
  local count = 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do
        composite[j] = true
      end
    end
  end
  return count, composite
end

-- each pass uses a slightly different limit so the results differ
local total, checksum = 0, 0
local composite
for pass = 1, N do
  local limit = LIMIT - (pass % 64) * 17
  local count
  count, composite = sieve(limit)
  total = total + count
  checksum = (checksum * 31 + count) & 0xFFFFFFFF
end

-- sum of the last 10 primes found by the final pass
local sum, found = 0, 0
local i = #composite
while i >= 2 and found < 10 do
  if not composite[i] then
    sum = sum + i
    found = found + 1
  end
  i = i - 1
end

print(string.format("passes=%d total=%d checksum=%d", N, total, checksum))
print(string.format("last limit=%d sum of last %d primes=%d", #composite, found, sum))
