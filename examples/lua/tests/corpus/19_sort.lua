-- table.sort with default order and comparators (ties broken by a secondary key)
local nums = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(nums)
print(table.concat(nums, " "))
table.sort(nums, function(a, b) return a > b end)
print(table.concat(nums, " "))

local words = {"pear", "Apple", "banana", "apple", "Cherry", "fig"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b)
  local la, lb = a:lower(), b:lower()
  if la ~= lb then return la < lb end
  return a < b
end)
print(table.concat(words, " "))
table.sort(words, function(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end)
print(table.concat(words, " "))

local people = {
  {name = "Ann", age = 31}, {name = "Bob", age = 25}, {name = "Cid", age = 31},
  {name = "Dee", age = 25}, {name = "Eve", age = 40}, {name = "Fay", age = 31},
}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age > b.age end
  return a.name < b.name
end)
for i, p in ipairs(people) do io.write(p.name, "(", p.age, ")", i < #people and " " or "\n") end

local mixed = {3.5, 1, 2.25, -7, 10, 0.0, -0.5}
table.sort(mixed)
for i, v in ipairs(mixed) do io.write(tostring(v), i < #mixed and " " or "\n") end

local big = {}
for i = 1, 1000 do big[i] = (i * 7919) % 1009 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print("big sorted:", sorted, big[1], big[500], big[1000])

-- sort with __lt metamethod
local V = {}
V.__lt = function(a, b) return a.v < b.v end
local objs = {}
for _, v in ipairs({4, 1, 3, 2}) do objs[#objs + 1] = setmetatable({v = v}, V) end
table.sort(objs)
for i, o in ipairs(objs) do io.write(o.v, " ") end
print()

-- sort index array by values of another table
local scores = {alice = 90, bob = 72, carol = 90, dave = 85}
local names = {}
for k in pairs(scores) do names[#names + 1] = k end
table.sort(names, function(a, b)
  if scores[a] ~= scores[b] then return scores[a] > scores[b] end
  return a < b
end)
for _, n in ipairs(names) do io.write(n, "=", scores[n], " ") end
print()

local ok, err = pcall(table.sort, {3, "a", 1})
-- which pair gets compared first depends on the sort algorithm, so only check the kind
print(ok, err:find("attempt to compare", 1, true) ~= nil)
local ok2, err2 = pcall(table.sort, {1, 2, 3}, 5)
print(ok2, err2)
local single = {42}
table.sort(single)
local empty = {}
table.sort(empty)
print(single[1], #empty)
