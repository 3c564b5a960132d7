-- coroutines: generators, two-way value passing, status, errors, close
local function strip(s) return (string.gsub(tostring(s), "^[^:]*:%d+: ", "")) end

local gen = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i) end
  return "done"
end)
print(gen(), gen(), gen(), gen())
print(pcall(gen))

local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return d + e, "end"
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))

local status_inside
local co2
co2 = coroutine.create(function()
  status_inside = coroutine.status(co2)
  local _, ismain = coroutine.running()
  print("inside: running is main?", ismain, "yieldable?", coroutine.isyieldable())
end)
coroutine.resume(co2)
print("status seen inside:", status_inside)
local _, ismain = coroutine.running()
print("main: is main?", ismain, "yieldable?", coroutine.isyieldable())

-- normal status: a coroutine that resumed another
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() return coroutine.status(outer) end)
  return select(2, coroutine.resume(inner))
end)
print("outer seen from inner:", select(2, coroutine.resume(outer)))

-- yield across pcall inside a coroutine
local co3 = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("yield inside pcall")
    if x == "fail" then error("failing after resume", 0) end
    return x
  end)
  coroutine.yield("pcall returned " .. tostring(ok) .. " " .. tostring(v))
  local ok2, v2 = pcall(function()
    coroutine.yield("second yield inside pcall")
    error({tag = "tbl"})
  end)
  return "final: " .. tostring(ok2) .. " " .. v2.tag
end)
print(coroutine.resume(co3))
print(coroutine.resume(co3, "fail"))
print(coroutine.resume(co3))
print(coroutine.resume(co3))
print(coroutine.status(co3))

-- errors inside coroutines are caught by resume
local co4 = coroutine.create(function() local t = nil; return t.field end)
local ok4, err4 = coroutine.resume(co4)
print(ok4, strip(err4), coroutine.status(co4))
print(coroutine.resume(co4))
local co5 = coroutine.create(function() error({code = 5}) end)
local ok5, err5 = coroutine.resume(co5)
print(ok5, type(err5), err5.code)

-- wrap propagates errors
local w = coroutine.wrap(function() error("wrapped failure") end)
local okw, errw = pcall(w)
print(okw, strip(errw))

-- yield from main / resume non-suspended
print(pcall(coroutine.yield, 1))
print(coroutine.resume(coroutine.running()))

-- coroutine.close
local closed_log = {}
local co6 = coroutine.create(function()
  local r <close> = setmetatable({}, {__close = function() closed_log[#closed_log + 1] = "resource closed" end})
  coroutine.yield("holding resource")
  return "never"
end)
print(coroutine.resume(co6))
print(coroutine.close(co6), coroutine.status(co6), closed_log[1])
print(coroutine.close(coroutine.create(function() end)))
local co7 = coroutine.create(function() error("dead with error", 0) end)
coroutine.resume(co7)
print(coroutine.close(co7))

-- producer/consumer
local function producer()
  return coroutine.create(function()
    for _, item in ipairs({"a", "b", "c"}) do coroutine.yield(item) end
  end)
end
local function consumer(p)
  local out = {}
  while true do
    local ok, item = coroutine.resume(p)
    if not item then break end
    out[#out + 1] = item:upper()
  end
  return table.concat(out)
end
print(consumer(producer()))

-- many coroutines
local cos = {}
for i = 1, 100 do cos[i] = coroutine.wrap(function(x) while true do x = coroutine.yield(x + i) end end) end
local total = 0
for round = 1, 3 do for i = 1, 100 do total = total + cos[i](round) end end
print("total", total)
print(coroutine.isyieldable(), type(coroutine.running()))
print(coroutine.resume(coroutine.create(function(...) return select("#", ...), ... end), nil, nil))
