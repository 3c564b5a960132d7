-- quicksort.lua: hand-written quicksort of LCG-generated integers.
-- Stresses array indexing, comparisons, swaps and recursion.

local N = tonumber(arg and arg[1]) or 2000000

local function lcg(seed)
  local state = seed
  return function()
    state = (state * 1103515245 + 12345) & 0x7FFFFFFF
    return state
  end
end

local function insertion_sort(a, lo, hi)
  for i = lo + 1, hi do
    local v = a[i]
    local j = i - 1
    while j >= lo and a[j] > v do
      a[j + 1] = a[j]
      j = j - 1
    end
    a[j + 1] = v
  end
end

local function quicksort(a, lo, hi)
  while hi - lo > 16 do
    local mid = (lo + hi) // 2
    -- median of three
    if a[mid] < a[lo] then a[mid], a[lo] = a[lo], a[mid] end
    if a[hi] < a[lo] then a[hi], a[lo] = a[lo], a[hi] end
    if a[hi] < a[mid] then a[hi], a[mid] = a[mid], a[hi] end
    local pivot = a[mid]
    local i, j = lo, hi
    while i <= j do
      while a[i] < pivot do i = i + 1 end
      while a[j] > pivot do j = j - 1 end
      if i <= j then
        a[i], a[j] = a[j], a[i]
        i = i + 1
        j = j - 1
      end
    end
    -- recurse into the smaller half, loop on the larger
    if j - lo < hi - i then
      quicksort(a, lo, j)
      lo = i
    else
      quicksort(a, i, hi)
      hi = j
    end
  end
  insertion_sort(a, lo, hi)
end

local rand = lcg(42)
local a = {}
for i = 1, N do
  a[i] = rand() % 1000000
end

quicksort(a, 1, N)

local sorted = true
local checksum = 0
for i = 1, N do
  if i > 1 and a[i - 1] > a[i] then sorted = false end
  checksum = (checksum * 31 + a[i]) & 0xFFFFFFFF
end

print(string.format("n=%d sorted=%s min=%d median=%d max=%d checksum=%d",
  N, tostring(sorted), a[1], a[(N + 1) // 2], a[N], checksum))
