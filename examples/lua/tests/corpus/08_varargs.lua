-- varargs, select, table.pack/unpack with nils
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function last(...) return (select(-1, ...)) end
print(last(1, 2, 3), last("only"), last(1, nil))
print(select(2, "a", "b", "c"))
print(select(-2, "a", "b", "c"))
print(pcall(select, 0, "a"))
print(pcall(select, -5, "a"))
local function pass(...) return ... end
print(pass(1, nil, 3))
print((pass(1, 2, 3)))
local t = {pass(1, 2), pass(3, 4)}
print(#t, table.concat(t, ","))
local p = table.pack(nil, 2, nil)
print(p.n, p[1], p[2], p[3])
print(table.unpack(p, 1, p.n))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if v then s = s + v end
  end
  return s
end
print(sum(1, 2, nil, 4, nil))
local function tail(first, ...) return first, select("#", ...), ... end
print(tail(1, 2, 3))
print(tail())
local function varg_to_table(...) return {...} end
print(#varg_to_table(1, 2, 3))
local function fmt(f, ...) return string.format(f, ...) end
print(fmt("%s-%s-%s", "a", 1, true))
local function apply(f, ...) return f(...) end
print(apply(math.max, 3, 9, 2), apply(select, "#", nil, nil))
print(string.format("%d %d", table.unpack({1, 2, 3})))
local function mixed(a, b, ...)
  local extra = {...}
  return a, b, #extra
end
print(mixed(1))
print(mixed(1, 2, 3, 4, 5))
print(math.max(table.unpack({5, 1, 8, 3})))
local big = {}
for i = 1, 200 do big[i] = i end
print(select("#", table.unpack(big)), (select(200, table.unpack(big))))
local function multi() return 1, 2, 3 end
print(multi(), multi())
print(({multi(), multi()})[4], #{multi(), multi()})
local a, b, c, d = multi()
print(a, b, c, d)
local x, y = (multi())
print(x, y)
