-- generic for with custom stateful and stateless iterators
local function range(n, step)
  step = step or 1
  local i = 0
  return function()
    i = i + step
    if i <= n then return i end
  end
end
for v in range(10, 3) do io.write(v, " ") end
print()

local function iter(t, i)
  i = i + 1
  local v = t[i]
  if v ~= nil then return i, v end
end
local function my_ipairs(t) return iter, t, 0 end
for i, v in my_ipairs({"a", "b", "c"}) do io.write(i, ":", v, " ") end
print()

local function rev_iter(t, i)
  i = i - 1
  if i > 0 then return i, t[i] end
end
local function reversed(t) return rev_iter, t, #t + 1 end
for i, v in reversed({"x", "y", "z"}) do io.write(i, v, " ") end
print()

local function sorted_pairs(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end
end
for k, v in sorted_pairs({banana = 3, apple = 1, cherry = 2, [10] = "ten"}) do io.write(tostring(k), "=", tostring(v), " ") end
print()

local function fib_iter(max)
  return function(state, prev)
    local a, b = state.a, state.b
    if a > max then return nil end
    state.a, state.b = b, a + b
    return a
  end, {a = 0, b = 1}, nil
end
for f in fib_iter(100) do io.write(f, " ") end
print()

local function chars(s)
  return function(str, pos)
    pos = pos + 1
    if pos <= #str then return pos, str:sub(pos, pos) end
  end, s, 0
end
for i, ch in chars("lua") do io.write(i, ch, " ") end
print()

local function zip(a, b)
  local i = 0
  return function()
    i = i + 1
    if a[i] ~= nil and b[i] ~= nil then return a[i], b[i] end
  end
end
for x, y in zip({1, 2, 3}, {"one", "two"}) do io.write(x, "-", y, " ") end
print()

local function words(s)
  return s:gmatch("%S+")
end
local n = 0
for w in words("  the quick   brown fox ") do n = n + 1; io.write("<", w, ">") end
print(" count=" .. n)

local t = setmetatable({}, {__pairs = function(self)
  local i = 0
  return function()
    i = i + 1
    if i <= 3 then return i, i * i end
  end, self, nil
end})
for k, v in pairs(t) do io.write(k, "^2=", v, " ") end
print()

local closed = false
do
  local closing = setmetatable({}, {__close = function() closed = true end})
  for i in function(_, c) c = (c or 0) + 1; if c <= 5 then return c end end, nil, nil, closing do
    if i == 2 then break end
  end
end
print("closing value closed:", closed)

local function permutations(a)
  local function permgen(arr, k)
    if k == 0 then
      coroutine.yield(table.concat(arr))
    else
      for i = 1, k do
        arr[k], arr[i] = arr[i], arr[k]
        permgen(arr, k - 1)
        arr[k], arr[i] = arr[i], arr[k]
      end
    end
  end
  return coroutine.wrap(function() permgen(a, #a) end)
end
local perms = {}
for p in permutations({"a", "b", "c"}) do perms[#perms + 1] = p end
print(#perms, table.concat(perms, " "))
