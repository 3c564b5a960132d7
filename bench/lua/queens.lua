-- queens.lua: count all solutions of the n-queens problem (n = BOARD) by
-- backtracking, repeated N times.
-- Stresses recursion, boolean tables and branchy integer code.

local N = tonumber(arg and arg[1]) or 350
local BOARD = tonumber(arg and arg[2]) or 9

local function solve(n)
  local cols, diag1, diag2 = {}, {}, {}
  for i = 1, 2 * n do
    cols[i], diag1[i], diag2[i] = false, false, false
  end
  local count = 0
  local first_col_hits = {}
  for i = 1, n do first_col_hits[i] = 0 end
  local first

  local function place(row)
    if row > n then
      count = count + 1
      first_col_hits[first] = first_col_hits[first] + 1
      return
    end
    for c = 1, n do
      local d1, d2 = row + c, row - c + n
      if not cols[c] and not diag1[d1] and not diag2[d2] then
        if row == 1 then first = c end
        cols[c], diag1[d1], diag2[d2] = true, true, true
        place(row + 1)
        cols[c], diag1[d1], diag2[d2] = false, false, false
      end
    end
  end

  place(1)
  return count, first_col_hits
end

-- solve the same board N times; every round must agree
local count, hits = solve(BOARD)
local total = count
for _ = 2, N do
  local c = solve(BOARD)
  total = total + c
end

print(string.format("queens(%d) = %d, rounds=%d total=%d", BOARD, count, N, total))
print("by first column: " .. table.concat(hits, " "))
