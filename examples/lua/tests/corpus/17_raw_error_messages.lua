-- error messages printed raw, including the "chunkname:line:" prefix.
-- Expected output assumes the script is run as `lua5.4 17_raw_error_messages.lua`.
print(pcall(function() local t = nil; return t.x end))
print(pcall(function() return 1 + {} end))
print(pcall(function() error("raised here") end))
print(pcall(function() error("no position", 0) end))
print(pcall(function() return #nil end))

local function validate(v)
  if v < 0 then
    error("negative value: " .. v, 2)
  end
  return v
end
local function user()
  local r = validate(-3)
  return r
end
print(pcall(user))

print(pcall(function()
  local a = 1
  local b = nil
  return a <
    b
end))

local f = load("local x = nil\nreturn x.y", "=mychunk")
print(pcall(f))
print(load("return 1 +", "@virtual.lua"))
print(load("x = = 1", "=(load)"))
print(load("return ]]"))
print(load("local s = 'unterminated"))
print(pcall(load("error('from loaded chunk')", "=loaded")))
print(pcall(load("error('level 2 from chunk', 2)", "=loaded2")))
print(select(2, pcall(string.rep)))
print(select(2, pcall(function() string.rep() end)))
print(select(2, pcall(function() ("x"):rep() end)))
print(select(2, pcall(function() math.floor("a") end)))
