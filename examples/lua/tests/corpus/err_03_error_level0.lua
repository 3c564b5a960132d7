-- an uncaught error with level 0 (no position information)
local function fail()
  print("inside fail")
  error("boom", 0)
end
print("start")
fail()
print("unreachable")
