-- utf8 library
local s = "héllo wörld €𝄞"
print(#s, utf8.len(s))
print(utf8.char(72, 233, 8364, 119070, 0x4E2D))
print(utf8.char())
print(utf8.codepoint(s, 1), utf8.codepoint(s, 2), utf8.codepoint("€"))
print(utf8.codepoint("abc", 1, -1))
local cps = {}
for p, c in utf8.codes(s) do cps[#cps + 1] = p .. ":" .. c end
print(table.concat(cps, " "))
print(utf8.offset(s, 1), utf8.offset(s, 3), utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, 0, 3))
print(utf8.offset("abc", 5), utf8.offset("abc", 4))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local chars = {}
for ch in s:gmatch(utf8.charpattern) do chars[#chars + 1] = ch end
print(#chars, chars[2], chars[#chars], table.concat(chars, "|"))
print(utf8.len("\xff"))
print(utf8.len("abc\xE4def"))
print(utf8.len(s, 3))
print(utf8.len(s, -4), utf8.len("", 1), utf8.len(s, 1, 6))
print(pcall(utf8.len, s, 3000))
print(pcall(utf8.codepoint, "\xff"))
print(pcall(utf8.char, -1))
local rev = {}
for _, c in utf8.codes("añb€") do table.insert(rev, 1, utf8.char(c)) end
print(table.concat(rev))
local function utf8_sub(str, i, j)
  local bi = utf8.offset(str, i)
  local bj = utf8.offset(str, j + 1)
  return str:sub(bi, (bj or #str + 1) - 1)
end
print(utf8_sub(s, 2, 4), utf8_sub(s, 7, 11), utf8_sub(s, 13, 14))
print(utf8.char(0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF):byte(1, -1))
print(utf8.len(utf8.char(0x7FFFFFFF), 1, -1, true), utf8.codepoint(utf8.char(0x7FFFFFFF), 1, 1, true))
print(pcall(function() for _, c in utf8.codes("ab\xffcd") do end end))
print(string.format("U+%04X U+%04X", utf8.codepoint("Ωλ", 1, -1)))
