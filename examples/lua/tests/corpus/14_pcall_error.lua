-- pcall/error with non-string error values, levels, and error objects
print(pcall(error))
print(pcall(error, nil))
print(pcall(error, 42))
print(pcall(error, 3.5))
print(pcall(error, true))
local ok, e = pcall(error, {code = 7, msg = "custom"})
print(ok, type(e), e.code, e.msg)
print(pcall(error, "plain", 0))
print(pcall(function() error("with position") end))
print(pcall(function() error("level one", 1) end))

local function check(x)
  if type(x) ~= "number" then error("expected number, got " .. type(x), 2) end
  return x
end
local function caller() local v = check("str"); return v end
print(pcall(caller))
-- through a tail call the calling frame is gone, so no position is added
local function tail_caller() return check({}) end
print(pcall(tail_caller))

local function lvl3() error("level three", 3) end
local function lvl2() lvl3() end
local function lvl1() lvl2() end
print(pcall(lvl1))

local Err = {}
Err.__index = Err
Err.__tostring = function(self) return "Err[" .. self.code .. "]: " .. self.text end
local function new_err(code, text) return setmetatable({code = code, text = text}, Err) end
local ok2, obj = pcall(function() error(new_err(404, "not found")) end)
print(ok2, getmetatable(obj) == Err, tostring(obj), obj.code)

print(pcall(pcall))
print(pcall(pcall, error, "inner"))
print(select("#", pcall(function() return 1, 2, 3 end)), pcall(function() return 1, 2, 3 end))
print(pcall(function() return end))

local ok3, e3 = pcall(function()
  local ok4, e4 = pcall(error, "first")
  error("rethrown: " .. e4, 0)
end)
print(ok3, e3)

local function try(f, catch, finally)
  local ok5, err = pcall(f)
  if not ok5 then catch(err) end
  finally()
end
try(function() error({reason = "bad input"}) end,
    function(err) print("caught:", err.reason) end,
    function() print("finally") end)

print(pcall(assert, true, "unused"))
print(pcall(assert, false))
print(pcall(assert, nil, "assertion message"))
print(pcall(assert, false, {1, 2}) == false)
print(pcall(assert, 1 == 1, "x", "y"))
local ok6, e6 = pcall(assert, false, 404)
print(ok6, e6, math.type(e6))

print(select(2, pcall(error, setmetatable({}, {__tostring = function() return "meta msg" end}))))
print(tostring(select(2, pcall(error, setmetatable({}, {__tostring = function() return "meta msg" end})))))

local ok7, e7 = pcall(string.rep)
print(ok7, e7)
local ok8, e8 = pcall(("x").rep, "x", -1)
print(ok8, "[" .. tostring(e8) .. "]")
