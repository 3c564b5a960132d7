-- xpcall with message handlers, including debug.traceback
local function first_line(s) return (s:match("^[^\n]*")) end
local function strip(s) return (string.gsub(s, "^[^:]*:%d+: ", "")) end

local function faulty(x) return x.field end
local ok, tb = xpcall(faulty, debug.traceback, nil)
print(ok, strip(first_line(tb)))
print(tb:find("stack traceback:", 1, true) ~= nil)

local ok2, msg = xpcall(function() error("plain failure") end, function(m) return "handled: " .. strip(m) end)
print(ok2, msg)

print(xpcall(function(a, b) return a + b end, print, 3, 4))

local ok3, obj = xpcall(function() error({code = 99}) end, function(e) return "code=" .. e.code end)
print(ok3, obj)

local ok4, n = xpcall(function() error(5) end, function(e) return e * 2 end)
print(ok4, n)

-- the handler runs before the stack unwinds: it can inspect the erroring frame
local function deep(level)
  if level == 0 then error("bottom reached") end
  deep(level - 1)
end
local ok5, info = xpcall(deep, function(m)
  local d = debug.getinfo(2, "Sl")
  return strip(m) .. " / handler sees a " .. d.what .. " function"
end, 3)
print(ok5, info)

-- traceback: a table message is returned unchanged; a number counts as a string
local t = {}
print(debug.traceback(t) == t, type(debug.traceback(nil)), first_line(debug.traceback(42)))
print(first_line(debug.traceback("custom message")))
print(first_line(debug.traceback("msg", 1)))

-- errors inside the handler
local ok6, e6 = xpcall(function() error("original") end, function(m) error("handler broke") end)
print(ok6, type(e6), strip(e6))

-- nested xpcall
local r = {xpcall(function()
  local okk, ee = xpcall(function() error("inner", 0) end, function(m) return "[" .. m .. "]" end)
  return okk, ee, "after inner"
end, debug.traceback)}
print(r[1], r[2], r[3], r[4])
print(pcall(xpcall))
print(xpcall(error, function(m) return m end, "via args", 0))
