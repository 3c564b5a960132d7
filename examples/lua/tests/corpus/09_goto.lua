-- goto: continue pattern, breaking out of nested loops, backward jumps
for i = 1, 10 do
  if i % 3 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()

for i = 1, 4 do
  for j = 1, 4 do
    if i * j > 6 then goto done end
    io.write(i, "x", j, " ")
  end
end
::done::
print()

for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto next_i end
    io.write("(", i, ",", j, ")")
  end
  ::next_i::
end
print()

local n = 0
::top::
n = n + 1
if n < 5 then goto top end
print("n =", n)

local i = 1
while true do
  if i > 20 then goto out end
  if i % 2 == 0 then goto skip end
  io.write(i, ",")
  ::skip::
  i = i + 1
end
::out::
print()

local fns = {}
do
  local k = 1
  ::again::
  local captured = k
  fns[#fns + 1] = function() return captured end
  k = k + 1
  if k <= 3 then goto again end
end
print(fns[1](), fns[2](), fns[3]())

local ok, msg = load("goto nowhere")
print(ok, msg)
print(load("do goto l end ::l::") ~= nil)
print(select(2, load("::a:: ::a::")))
