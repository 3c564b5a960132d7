-- string.rep/sub/byte/char/reverse/upper/lower/len and friends
local s = "Hello, Lua!"
print(#s, s:len(), string.len(""))
print(s:upper(), s:lower(), s:reverse())
print(s:sub(1, 5), s:sub(8), s:sub(-4), s:sub(-4, -2), s:sub(0), s:sub(5, 2) == "", s:sub(-100, 3), s:sub(3, 100))
print(s:byte(), s:byte(1, 3), s:byte(-1), s:byte(100))
print(string.char(72, 105, 33), string.char())
print(("ab"):rep(3), ("ab"):rep(3, "-"), ("x"):rep(0), ("x"):rep(1, "sep"))
print(("%d"):rep(2, ","):format(1, 2))
local bytes = {}
for i = 1, #s do bytes[i] = s:byte(i) end
print(table.concat(bytes, " "))
print(string.char(table.unpack(bytes)) == s)
local function caesar(str, k)
  return (str:gsub("%a", function(c)
    local base = c:match("%l") and 97 or 65
    return string.char((c:byte() - base + k) % 26 + base)
  end))
end
print(caesar("Hello, World", 3), caesar(caesar("Hello, World", 3), -3))
local function is_palindrome(str)
  str = str:lower():gsub("[^%a]", "")
  return str == str:reverse()
end
print(is_palindrome("A man, a plan, a canal: Panama"), is_palindrome("hello"))
local function split(str, sep)
  local out = {}
  for piece in (str .. sep):gmatch("(.-)" .. sep:gsub("%p", "%%%0")) do out[#out + 1] = piece end
  return out
end
local parts = split("a.b..c", ".")
print(#parts, table.concat(parts, "|"))
print(("  padded  "):match("^%s*(.-)%s*$"), ("x"):rep(3) .. ("y"):rep(2))
print(tostring(12):rep(2), ("abc"):upper():lower())
print(("\0a\0"):len(), ("\0a\0"):byte(1, -1))
print(("hello"):find("l"), ("hello"):sub(2, -2):upper())
local words = {}
for w in ("The Quick Brown Fox"):gmatch("%a+") do words[#words + 1] = w:sub(1, 1):lower() .. w:sub(2):upper() end
print(table.concat(words, " "))
print(string.format("%s", ("="):rep(10)))
print(("abc") < ("abd"), ("a\0b") < ("a\0c"), ("") < ("a"), ("Z") < ("a"))
print(("test"):byte(-10, 10))
print(("%5s|%-5s|"):format("ab", "cd"))
local esc = "tab\there\nnewline \"quoted\" back\\slash \65\066\x43 \u{48}\z
             continued"
print(esc)
print(#[[
first line skipped]], [==[with ]] inside]==])
print(string.byte("A"), ("A"):byte() + 1, string.char(("A"):byte() + 1))
