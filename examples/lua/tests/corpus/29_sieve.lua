-- sieve of Eratosthenes and some prime statistics
local function sieve(n)
  local is_prime = {}
  for i = 2, n do is_prime[i] = true end
  for i = 2, math.floor(math.sqrt(n)) do
    if is_prime[i] then
      for j = i * i, n, i do is_prime[j] = false end
    end
  end
  local primes = {}
  for i = 2, n do if is_prime[i] then primes[#primes + 1] = i end end
  return primes
end
local p = sieve(100)
print(#p, table.concat(p, " "))
local big = sieve(100000)
print("primes below 100000:", #big, "largest:", big[#big])
local sum = 0
for _, v in ipairs(big) do sum = sum + v end
print("sum:", sum)
local twins = 0
for i = 2, #big do if big[i] - big[i - 1] == 2 then twins = twins + 1 end end
print("twin prime pairs:", twins)
local maxgap, at = 0, 0
for i = 2, #big do
  local g = big[i] - big[i - 1]
  if g > maxgap then maxgap, at = g, big[i - 1] end
end
print("max gap:", maxgap, "after", at)
local function factorize(n)
  local f = {}
  local d = 2
  while d * d <= n do
    while n % d == 0 do f[#f + 1] = d; n = n // d end
    d = d + 1
  end
  if n > 1 then f[#f + 1] = n end
  return table.concat(f, "*")
end
for _, n in ipairs({360, 97, 1001, 65536, 999999, 2^31 - 1 | 0}) do print(n, "=", factorize(n)) end
local last_digit = {}
for _, v in ipairs(big) do local d = v % 10; last_digit[d] = (last_digit[d] or 0) + 1 end
for d = 0, 9 do if last_digit[d] then io.write(d, ":", last_digit[d], " ") end end
print()
