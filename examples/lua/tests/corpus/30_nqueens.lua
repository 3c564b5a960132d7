-- n-queens: count all solutions and print the first one for n = 6
local function solve(n)
  local cols, d1, d2 = {}, {}, {}
  local placement = {}
  local solutions = {}
  local function place(row)
    if row > n then
      solutions[#solutions + 1] = table.concat(placement, ",")
      return
    end
    for c = 1, n do
      if not cols[c] and not d1[row + c] and not d2[row - c + n] then
        cols[c], d1[row + c], d2[row - c + n] = true, true, true
        placement[row] = c
        place(row + 1)
        cols[c], d1[row + c], d2[row - c + n] = nil, nil, nil
      end
    end
  end
  place(1)
  return solutions
end
local sols = solve(6)
print("n=6 solutions:", #sols)
for i, s in ipairs(sols) do print(i, s) end
local first = {}
for c in sols[1]:gmatch("%d+") do first[#first + 1] = tonumber(c) end
for r = 1, 6 do
  local row = {}
  for c = 1, 6 do row[c] = (first[r] == c) and "Q" or "." end
  print(table.concat(row, " "))
end
for n = 1, 8 do io.write(n, ":", #solve(n), " ") end
print()
