-- building strings efficiently with table.concat and buffers
local buf = {}
for i = 1, 10 do buf[#buf + 1] = string.format("%02d", i) end
print(table.concat(buf, "-"))

local lines = {}
for i = 1, 5 do
  local row = {}
  for j = 1, 5 do row[j] = string.format("%3d", i * j) end
  lines[#lines + 1] = table.concat(row, " ")
end
print(table.concat(lines, "\n"))

local big = {}
for i = 1, 10000 do big[i] = tostring(i % 10) end
local s = table.concat(big)
print(#s, s:sub(1, 20), s:sub(-5))

local naive = ""
for i = 1, 200 do naive = naive .. (i % 10) end
print(#naive, naive == s:sub(1, 200))

local function tree(depth, prefix, out)
  out = out or {}
  prefix = prefix or ""
  if depth == 0 then return out end
  for i = 1, 2 do
    out[#out + 1] = prefix .. (i == 2 and "`-- " or "|-- ") .. "node" .. depth .. "." .. i
    tree(depth - 1, prefix .. (i == 2 and "    " or "|   "), out)
  end
  return out
end
print(table.concat(tree(3), "\n"))

local function wrap(text, width)
  local out, line = {}, ""
  for word in text:gmatch("%S+") do
    if #line + #word + 1 > width and #line > 0 then
      out[#out + 1] = line
      line = word
    else
      line = (#line > 0) and (line .. " " .. word) or word
    end
  end
  if #line > 0 then out[#out + 1] = line end
  return out
end
local text = "Lua is a powerful, efficient, lightweight, embeddable scripting language. " ..
             "It supports procedural programming, object-oriented programming, functional programming, " ..
             "data-driven programming, and data description."
for i, l in ipairs(wrap(text, 32)) do print(string.format("%2d |%-32s|", i, l)) end

local function box(msg)
  local bar = "+" .. string.rep("-", #msg + 2) .. "+"
  return table.concat({bar, "| " .. msg .. " |", bar}, "\n")
end
print(box("table.concat"))

local csv = {{"name", "qty", "price"}, {"bolt", 100, 0.05}, {"nut, hex", 250, 0.03}}
local rows = {}
for _, r in ipairs(csv) do
  local cells = {}
  for i, v in ipairs(r) do
    v = tostring(v)
    if v:find("[,\"]") then v = '"' .. v:gsub('"', '""') .. '"' end
    cells[i] = v
  end
  rows[#rows + 1] = table.concat(cells, ",")
end
print(table.concat(rows, "\n"))
print(table.concat({1, 2, 3}, ", ", 1, 0) == "", table.concat({"only"}, ", "))
local roman_vals = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
                    {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}}
local function roman(n)
  local out = {}
  for _, p in ipairs(roman_vals) do
    while n >= p[1] do out[#out + 1] = p[2]; n = n - p[1] end
  end
  return table.concat(out)
end
print(roman(1994), roman(2024), roman(3999), roman(4))
