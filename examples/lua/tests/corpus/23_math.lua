-- math library
print(math.floor(3.7), math.floor(-3.7), math.floor(5), math.ceil(3.2), math.ceil(-3.2), math.ceil(4))
print(math.type(math.floor(3.7)), math.type(math.floor(2^70)), math.floor(-0.0))
print(math.abs(-5), math.abs(5.5), math.abs(math.mininteger), math.abs(-0.0))
print(math.max(1, 5, 3), math.min(1, 5, 3), math.max(1.5, 2), math.min(-1, -1.5), math.max(7))
print(math.type(math.max(1, 2.0)), math.max(2, 2.0), math.max(2.0, 2))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(7.5, 2), math.fmod(-7.5, 2))
print(math.modf(3.7), math.modf(-3.7), math.modf(5), math.modf(1/0))
print(math.sqrt(16), math.sqrt(2), math.sqrt(-1) ~= math.sqrt(-1))
print(math.huge, -math.huge, math.huge > math.maxinteger, math.type(math.huge))
print(string.format("%.10f", math.pi), string.format("%.4f", -math.pi))
print(math.tointeger(5.0), math.tointeger(5.5), math.tointeger("x"), math.tointeger(7))
print(math.type(1), math.type(1.0), math.type("1"), math.type(nil), math.type({}))
print(math.ult(1, 2), math.ult(-1, 2), math.ult(2, -1), math.ult(math.maxinteger, math.mininteger))
print(string.format("%.6f %.6f %.6f", math.sin(math.pi / 6), math.cos(math.pi / 3), math.tan(math.pi / 4)))
print(string.format("%.6f %.6f %.6f", math.asin(1), math.acos(0), math.atan(1)))
print(string.format("%.6f %.6f", math.atan(1, -1), math.atan(-1, -1)))
print(string.format("%.6f %.6f %.6f %.6f", math.exp(1), math.log(math.exp(2)), math.log(8, 2), math.log(1000, 10)))
print(math.log(1), math.exp(0), math.log(0), 2^0.5 == math.sqrt(2))
print(pcall(math.floor, "x"))
print(pcall(math.fmod, 1, 0))
print(math.fmod(1, 0.0) ~= math.fmod(1, 0.0), math.fmod(5, math.huge))
print(math.fmod(math.mininteger, -1), math.fmod(-6, 4), -6 % 4)
print(3 % math.huge, -3 % math.huge, 3 % -math.huge)
print(math.floor(-0.5), math.ceil(-0.5), math.floor(2^31 + 0.5))
print(7 // 0.5, 2^-1074 > 0, 2^1023 * 2)
local function round(x) return math.floor(x + 0.5) end
print(round(2.5), round(-2.5), round(3.49999))
local function clamp(x, lo, hi) return math.max(lo, math.min(hi, x)) end
print(clamp(15, 0, 10), clamp(-3, 0, 10), clamp(5, 0, 10))
local function isqrt(n)
  local x = n
  local y = (x + 1) // 2
  while y < x do x = y; y = (x + n // x) // 2 end
  return x
end
print(isqrt(1000000), isqrt(99), isqrt(2^62 // 1))
print(8 // 3, 8.0 // 3, -8 // 3, 8 % -3, 2^2, 10 / 5)
