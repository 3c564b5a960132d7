-- Generic `for` loops whose iterator is a C function: pairs (`next`),
-- ipairs, `next` itself, string.gmatch and coroutine.wrap closures, and
-- coroutine.yield as the iterator (the call yields). Loops with more
-- variables than the iterator returns (padded with nil) and fewer;
-- bodies that assign existing fields; a `next` that raises an error; a
-- call hook set in the middle of a loop; iterators nested in iterators.

local t = {10, 20, 30, nil, 50, x = 1, y = 2, [3.5] = 3}
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print("pairs", table.concat(keys, " "))

local s = 0
for i, v in ipairs(t) do s = s + i * v end
print("ipairs", s)

local n = 0
for k in next, {a = 1, b = 2, c = 3} do n = n + #k end
print("next", n)

-- more loop variables than results: the rest are nil
local shapes = {}
for k, v, extra, more in pairs({5}) do shapes[#shapes + 1] = tostring(k) .. tostring(v) .. tostring(extra) .. tostring(more) end
for w, extra in string.gmatch("one two three", "%a+") do shapes[#shapes + 1] = w .. tostring(extra) end
for a, b in string.gmatch("k1=v1, k2=v2", "(%w+)=(%w+)") do shapes[#shapes + 1] = a .. ":" .. b end
print("shapes", table.concat(shapes, " "))

-- bodies that assign existing fields while pairs walks the table
local u = {a = 1, b = 2, c = 3, d = 4}
for k, v in pairs(u) do u[k] = v * 10 end
local total = 0
for _, v in pairs(u) do total = total + v end
print("assign", total)

-- a coroutine.wrap closure as the iterator; its body yields the values
local function range(a, b)
  return coroutine.wrap(function()
    for i = a, b do coroutine.yield(i, i * i) end
  end)
end
local acc = 0
for i, sq in range(1, 10) do acc = acc + i + sq end
print("wrap", acc)

-- coroutine.yield itself as the iterator: each step yields out of the loop
local co = coroutine.wrap(function()
  local got = {}
  for v in coroutine.yield, "ignored" do
    got[#got + 1] = v
    if #got == 4 then break end
  end
  return table.concat(got, ",")
end)
local out = co()
local k = 0
while type(out) ~= "string" or not out:find(",") do
  k = k + 1
  out = co(k * 11)
end
print("yield iterator", out)

-- next raises an error for a key that is not in the table
local ok, msg = pcall(function()
  local c = 0
  for kk in next, {a = 1}, "zzz" do c = c + 1 end
  return c
end)
print("next error", ok, (tostring(msg):gsub("^[^:]*:%d+: ", "")))

-- a call hook set inside a loop sees the iterator's calls from then on
local calls = 0
local arr = {}
for i = 1, 20 do arr[i] = i end
local sum = 0
for i, v in ipairs(arr) do
  if i == 10 then debug.sethook(function(ev) calls = calls + 1 end, "c") end
  sum = sum + v
end
debug.sethook()
print("hook", sum, calls > 0)

-- nested iterators, the inner one over the outer's value
local nested = {{1, 2}, {3, 4, 5}, {}, {6}}
local ns, cnt = 0, 0
for i, row in ipairs(nested) do
  for j, v in ipairs(row) do ns = ns + i * j * v; cnt = cnt + 1 end
  for key in pairs(row) do cnt = cnt + key end
end
print("nested", ns, cnt)
