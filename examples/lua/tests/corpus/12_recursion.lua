-- recursion: ackermann, mutual recursion, deep recursion, tail calls
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print("ack(2,3) =", ack(2, 3), "ack(3,3) =", ack(3, 3))

local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print(is_even(10), is_odd(7), is_even(7), is_odd(100001))

local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(10), fact(20), fact(21))

local function hanoi(n, from, to, via, moves)
  if n == 0 then return moves end
  hanoi(n - 1, from, via, to, moves)
  moves[#moves + 1] = from .. to
  hanoi(n - 1, via, to, from, moves)
  return moves
end
local m = hanoi(4, "A", "C", "B", {})
print(#m, table.concat(m, " ", 1, 7))

-- deep, non-tail recursion that must succeed
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print("depth 10000 =", depth(10000))

local function sum_list(t, i)
  i = i or 1
  if i > #t then return 0 end
  return t[i] + sum_list(t, i + 1)
end
local list = {}
for i = 1, 5000 do list[i] = i end
print("recursive sum =", sum_list(list))

-- proper tail calls: constant stack space
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + 1)
end
print("tail loop 1000000 =", loop(1000000, 0))

local ping, pong
function ping(n) if n == 0 then return "ping done" end return pong(n - 1) end
function pong(n) if n == 0 then return "pong done" end return ping(n - 1) end
print(ping(300001))

local function gcd(a, b) if b == 0 then return a end return gcd(b, a % b) end
print(gcd(1071, 462), gcd(17, 5), gcd(0, 9))

local function flatten(t, out)
  out = out or {}
  for _, v in ipairs(t) do
    if type(v) == "table" then flatten(v, out) else out[#out + 1] = v end
  end
  return out
end
print(table.concat(flatten({1, {2, {3, {4, {5}}}}, 6, {{7}}}), ","))

local function power_set(s)
  if #s == 0 then return {{}} end
  local rest = {table.unpack(s, 2)}
  local ps = power_set(rest)
  local result = {}
  for _, sub in ipairs(ps) do
    result[#result + 1] = sub
    local with = {s[1]}
    for _, x in ipairs(sub) do with[#with + 1] = x end
    result[#result + 1] = with
  end
  return result
end
local ps = power_set({"a", "b", "c"})
local strs = {}
for i, sub in ipairs(ps) do strs[i] = "{" .. table.concat(sub) .. "}" end
table.sort(strs)
print(#ps, table.concat(strs, " "))
