-- numeric for loops: integer, negative step, float steps, edge cases
for i = 10, 1, -3 do io.write(i, " ") end
print()
for i = 1, 3 do io.write(i, " ") end
print()
for i = 3, 1 do io.write("never") end
print("empty loop ok")
for i = 0, 1, 0.25 do io.write(i, " ") end
print()
for i = 1.0, 3 do io.write(i, " ") end
print()
for i = 1, 2, 0.5 do io.write(math.type(i), " ") end
print()
for i = 5, 5 do io.write("once:", i) end
print()
for i = -1, -5, -1 do io.write(i, " ") end
print()
for i = 1, 0.5 do io.write("never") end
print("float limit ok")
local count = 0
for i = math.maxinteger - 2, math.maxinteger do count = count + 1 end
print("near maxinteger iterations:", count)
count = 0
for i = math.mininteger, math.mininteger + 2 do count = count + 1 end
print("near mininteger iterations:", count)
count = 0
for i = math.mininteger + 2, math.mininteger, -1 do count = count + 1 end
print("descending to mininteger:", count)
for i = 1, 3 do
  local j = i
  i = i * 10
  io.write(j, "->", i, " ")
end
print()
for i = 3, 1.5, -0.5 do io.write(i, " ") end
print()
print(pcall(function() for i = 1, 10, 0 do end end))
print(pcall(function() for i = "a", 2 do end end))
print(pcall(function() for i = 1, {} do end end))
local total = 0
for i = 1, 1000 do
  if i % 7 == 0 then total = total + i end
end
print("sum of multiples of 7 up to 1000:", total)
local s = 0
for i = 0.1, 1.0, 0.1 do s = s + 1 end
print("float steps 0.1..1.0 count:", s)
for i = 1, 3 do
  for j = i, 1, -1 do io.write(j) end
  io.write(" ")
end
print()
local k = 0
while k < 3 do k = k + 1 end
repeat local z = k; k = k - 1 until z <= 1
print("while/repeat:", k)
for i = 1, 10 do
  if i > 4 then break end
  io.write(i)
end
print()
-- io.write formats floats with "%.14g" (no ".0" suffix) while print/tostring add ".0"
for i = 1.0, 2 do io.write(i, "|", tostring(i), " ") end
print()
