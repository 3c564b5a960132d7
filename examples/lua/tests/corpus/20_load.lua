-- load: strings, functions as sources, custom environments, syntax errors
print(load("return 1 + 2")())
local f = load("local a, b = ... ; return a * b, select('#', ...)")
print(f(6, 7))
print(load("x = 10; return x")(), x)
x = nil

local env = {print = print, tostring = tostring, value = 5}
local chunk = load("value = value * 2; newvar = 'created'; return value", "envchunk", "t", env)
print(chunk(), env.value, env.newvar, newvar)

local sandbox = load("return print == nil, type(string)", "sb", "t", {type = type})
print(sandbox())

local ok, err = load("return 1 +")
print(ok, err)
print(load("if then end"))
print(load("local x <const> = 1; x = 2"))
print(load("return 'a' .. ", "=custom name"))
print(load("for i = 1 do end", "@file.lua"))
print(load("break"))
print(type(load("return ...")))
print(load("function f() return ... end"))

-- load from a reader function returning pieces
local pieces = {"return ", "'joined", " from", " pieces'"}
local i = 0
local fn = load(function()
  i = i + 1
  return pieces[i]
end)
print(fn())

-- string.dump is avoided (binary output); check mode restrictions with text only
print(load("return 1", "m", "b"))

-- _ENV manipulation
local function with_env()
  local _ENV = {tostring = tostring}
  y = 42
  return tostring(y), _ENV.y
end
print(with_env())
print(y)

local counter_src = [[
local n = 0
return function() n = n + 1; return n end
]]
local make = load(counter_src)
local c1, c2 = make(), make()
print(c1(), c1(), c2())

local exprs = {"1 + 2 * 3", "2 ^ 10", "10 // 3", "'a' .. 'b'", "#'hello'", "math.max(3, 8, 1)", "nil == false"}
for _, e in ipairs(exprs) do
  print(e, "=>", load("return " .. e)())
end

-- runtime error inside a loaded chunk uses its chunk name
print(pcall(load("local t = nil\nreturn t[1]", "=dyn")))
print(pcall(load("error('boom')", "@dyn.lua")))
print(pcall(load("error('boom')", "some long source text")))
print(pcall(load("return 1", nil, "t", nil)))
print(pcall(load, 42))
print(dofile == nil, type(loadstring), type(load))
