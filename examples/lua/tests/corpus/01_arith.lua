-- basic arithmetic and precedence
print(1 + 2, 7 - 10, 6 * 7, 7 / 2, 2 ^ 10)
print(2 + 3 * 4, (2 + 3) * 4, 2 ^ 3 ^ 2, -2 ^ 2)
print(10 // 3, 10 % 3, 10.0 // 3, 10.5 % 3)
print(1 - -1, - - 2, 3 * -2)
print(100 / 8, 1 / 3)
print(7 // 2 * 2 + 7 % 2)
local sum = 0
for i = 1, 100 do sum = sum + i end
print("sum 1..100 =", sum)
local prod = 1
for i = 1, 20 do prod = prod * i end
print("20! =", prod)
print(3 & 5, 3 | 5, 3 ~ 5, ~0, 1 << 10, 256 >> 4, -1 >> 60)
print(1 < 2, 2 <= 2, 3 > 4, "a" < "b", "abc" < "abd", "Z" < "a")
print(1 == 1.0, 1 ~= 2, math.type(1), math.type(1.0), math.type("1"))
print(5 // 0.0, -5 // 0.0, 0/0 ~= 0/0)
