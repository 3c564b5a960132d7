-- strings.lua: string building and scanning.
-- Stresses table.concat, string.format, string.sub, string.byte, string.rep.

local N = tonumber(arg and arg[1]) or 130000

local function build_line(i)
  local parts = {}
  for k = 1, 8 do
    parts[k] = string.format("%d:%x", i * k, (i + k) % 4096)
  end
  return table.concat(parts, ",")
end

local function checksum(s)
  local h = 5381
  for k = 1, #s do
    h = (h * 33 + s:byte(k)) & 0xFFFFFFFF
  end
  return h
end

local function count_commas(s)
  local n = 0
  local start = 1
  while true do
    local pos = s:find(",", start, true)
    if not pos then break end
    n = n + 1
    start = pos + 1
  end
  return n
end

local function reverse_words(s)
  local words = {}
  local start = 1
  for k = 1, #s do
    if s:sub(k, k) == "," then
      words[#words + 1] = s:sub(start, k - 1)
      start = k + 1
    end
  end
  words[#words + 1] = s:sub(start)
  local out = {}
  for k = #words, 1, -1 do
    out[#out + 1] = words[k]
  end
  return table.concat(out, ";")
end

local lines = {}
local total_len, commas, h = 0, 0, 0
for i = 1, N do
  local line = build_line(i)
  lines[#lines + 1] = line
  total_len = total_len + #line
  commas = commas + count_commas(line)
  if i % 16 == 0 then
    h = (h ~ checksum(reverse_words(line))) & 0xFFFFFFFF
  end
end

local doc = table.concat(lines, "\n")
local head = doc:sub(1, 24)
local tail = doc:sub(-16)

print(string.format("lines=%d len=%d doclen=%d commas=%d", N, total_len, #doc, commas))
print(string.format("hash=%08x head=%s tail=%s", h, head, tail))
print(string.format("rep=%d", checksum(string.rep("ab", 100, "-"))))
