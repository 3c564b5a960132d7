-- fib.lua: naive doubly-recursive Fibonacci.
-- Stresses function calls, returns, comparisons and integer addition.

local N = tonumber(arg and arg[1]) or 35

local function fib(n)
  if n < 2 then
    return n
  end
  return fib(n - 1) + fib(n - 2)
end

-- cheap iterative version, used only to check the recursive result
local function fib_iter(n)
  local a, b = 0, 1
  for _ = 1, n do
    a, b = b, a + b
  end
  return a
end

local result = fib(N)

-- fib(N-1) + fib(N-2) must equal fib(N)
local total = 0
for i = N - 2, N - 1 do
  total = total + fib(i)
end

print(string.format("fib(%d) = %d (%s)", N, result,
  result == fib_iter(N) and "ok" or "MISMATCH"))
print(string.format("fib(%d) + fib(%d) = %d (%s)", N - 2, N - 1, total,
  total == result and "ok" or "MISMATCH"))
