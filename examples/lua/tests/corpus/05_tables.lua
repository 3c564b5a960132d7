-- table library and the length operator on sequences
local t = {10, 20, 30}
table.insert(t, 40)
table.insert(t, 1, 5)
table.insert(t, 3, 15)
print(#t, table.concat(t, ","))
print(table.remove(t), #t, table.concat(t, ","))
print(table.remove(t, 1), #t, table.concat(t, ","))
print(table.remove(t, 2), #t, table.concat(t, ","))
print(table.concat({}, ","), table.concat({1, 2, 3}), table.concat({1, 2.5, "x"}, "-"))
print(table.concat({"a", "b", "c", "d"}, ", ", 2, 3))
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(select("#", table.unpack({}, 1, 3)))
local m = {1, 2, 3, 4, 5}
table.move(m, 2, 4, 1)
print(table.concat(m, ","))
m = {1, 2, 3, 4, 5}
table.move(m, 1, 3, 3)
print(table.concat(m, ","))
local dst = table.move({7, 8, 9}, 1, 3, 2, {0})
print(table.concat(dst, ","))
print(#"", #"abc", #{}, #{1, 2, 3, nil}, #{n = 3})
local e = {}
for i = 1, 10 do e[#e + 1] = i * i end
print(#e, e[#e])
e[#e] = nil
print(#e)
local empty = {}
print(table.remove(empty), #empty)
local p = table.pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
local nested = {a = {b = {c = "deep"}}}
print(nested.a.b.c, nested["a"]["b"]["c"])
local keys = {}
local mixed = {x = 1, y = 2, z = 3, 100, 200}
for k in pairs(mixed) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
print(table.concat(keys, " "))
for i, v in ipairs({"a", "b", nil, "d"}) do io.write(i, "=", v, " ") end
print()
local copy = {}
for i, v in ipairs(t) do copy[i] = v end
copy[1] = 999
print(t[1], copy[1])
local alias = t
alias[1] = 111
print(t[1], rawequal(t, alias), rawequal(t, copy))
print(rawlen({1, 2}), rawget({5}, 1), rawget(setmetatable({}, {__index = function() return 1 end}), "x"))
print(next({}), type(next({1})))
local tk = {}
tk[1] = "int"; tk[1.0] = "float-normalized"; tk["1"] = "string"
print(tk[1], tk["1"])
print(pcall(table.insert, {1, 2}, 5, 9))
print(pcall(table.concat, {1, {}, 3}))
print(pcall(function() local x = {}; x[nil] = 1 end))
print(pcall(function() local x = {}; x[0/0] = 1 end))
