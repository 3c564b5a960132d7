-- Gets and sets that find an empty slot: a nil field, an array filled
-- element by element, a hash key whose value was set to nil, a table
-- with a metatable that has or later gains `__index` / `__newindex`,
-- and stores of fresh objects into an old table while the collector
-- runs (the back barrier).

-- an array filled one element at a time, then holes filled again
local function fill(n)
  local t = {}
  for i = 1, n do t[i] = i * 2 end
  for i = 1, n, 3 do t[i] = nil end
  local refilled = 0
  for i = 1, n do
    if t[i] == nil then t[i] = -i; refilled = refilled + 1 end
  end
  local sum = 0
  for i = 1, n do sum = sum + t[i] end
  return refilled, sum, #t
end
print(fill(10), fill(1000))

-- a hash key set to nil and back, by name and by value
local function fields(rounds)
  local rec = {alpha = 1, beta = 2}
  local log = {}
  for r = 1, rounds do
    if rec.gamma == nil then rec.gamma = r else rec.gamma = nil end
    rec.beta = nil
    rec.beta = r * 10
    local key = (r % 2 == 0) and "alpha" or "delta"
    if rec[key] == nil then rec[key] = r end
    log[#log + 1] = tostring(rec.gamma) .. ":" .. tostring(rec.delta)
  end
  return table.concat(log, ","), rec.alpha, rec.beta
end
print(fields(7))

-- metatables: only `__index` (a set stores raw), then `__newindex`
-- added later into the metatable's empty slot for that name (the next
-- set into an empty slot must call it)
local function meta_late(n)
  local calls = 0
  local mt = {__index = function(_, k) return "dflt" .. tostring(k) end}
  mt.__newindex = print
  mt.__newindex = nil
  local t = setmetatable({}, mt)
  local seen = {}
  for i = 1, n do
    seen[#seen + 1] = t[i]
    t[i] = i
    if i == n // 2 then
      mt.__newindex = function(tab, k, v) calls = calls + 1; rawset(tab, k, v * 100) end
    end
  end
  local vals = {}
  for i = 1, n do vals[i] = t[i] end
  return calls, table.concat(seen, " "), table.concat(vals, " ")
end
print(meta_late(8))

-- a global that is nil until set, read by name in a loop
local function globals(n)
  local found = 0
  for i = 1, n do
    if late_global == nil then
      if i == 3 then late_global = i end
    else
      found = found + late_global
    end
  end
  late_global = nil
  return found
end
print(globals(10), late_global)

-- `__index` gained by a metatable after misses were cached as absent
local function index_late(n)
  local mt = {}
  local obj = setmetatable({}, mt)
  local out = {}
  for i = 1, n do
    out[#out + 1] = tostring(obj.name)
    if i == 3 then mt.__index = {name = "late"} end
    if i == 5 then rawset(obj, "name", "own") end
  end
  return table.concat(out, " ")
end
print(index_late(7))

-- fresh tables stored into an old, big table while the collector runs
-- step by step: a black table and a white value need the back barrier
local function barrier(rounds)
  local keep = {}
  for i = 1, 2000 do keep[i] = false end
  collectgarbage("collect")
  local total = 0
  for r = 1, rounds do
    for i = 1, 2000 do keep[i] = nil end
    collectgarbage("step", 1)
    for i = 1, 2000 do keep[i] = {v = i + r} end
    collectgarbage("step", 1)
    for i = 1, 2000, 97 do total = total + keep[i].v end
  end
  collectgarbage("collect")
  local check = 0
  for i = 1, 2000 do check = check + keep[i].v end
  return total, check
end
print(barrier(6))

-- not a table: a set and a get of a field error as usual
local function message(ok, err) return ok, (tostring(err):gsub("^[^:]*:%d+: ", "")) end
print(message(pcall(function() local s = 5; s.x = 1 end)))
print(message(pcall(function() local b = true; return b.x end)))
print(select("#", pcall(function() local t = {}; return t.missing end)))
