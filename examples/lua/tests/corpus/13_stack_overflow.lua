-- unbounded recursion is caught by pcall as a "stack overflow" error
local function f(n) return 1 + f(n + 1) end
local ok, msg = pcall(f, 1)
print(ok)
print(msg)
-- the interpreter is still usable after the overflow
local function g(n) if n == 0 then return 0 end return 1 + g(n - 1) end
print(g(1000))
-- infinite recursion through a metamethod
local t = setmetatable({}, {})
getmetatable(t).__index = function(self, k) return self[k .. "x"] end
local ok3, msg3 = pcall(function() return t.a end)
print(ok3, (string.gsub(msg3, "^[^:]*:%d+: ", "")))
