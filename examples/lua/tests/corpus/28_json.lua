-- a small JSON encoder with sorted object keys, plus a tiny decoder
local encode

local escapes = {['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
                 ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t'}
local function encode_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_array(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  for i = 1, n do if t[i] == nil then return false end end
  return true, n
end

local function encode_number(v)
  if v ~= v or v == math.huge or v == -math.huge then error("cannot encode " .. tostring(v)) end
  if math.type(v) == "integer" then return tostring(v) end
  if v == math.floor(v) and math.abs(v) < 2^53 then return string.format("%d", v) end
  return string.format("%.14g", v)
end

function encode(v, indent, depth)
  depth = depth or 0
  local t = type(v)
  if t == "nil" then return "null"
  elseif t == "boolean" then return tostring(v)
  elseif t == "number" then return encode_number(v)
  elseif t == "string" then return encode_string(v)
  elseif t == "table" then
    if depth > 20 then error("nesting too deep") end
    local arr, n = is_array(v)
    local nl, pad, pad_in = "", "", ""
    if indent then
      nl = "\n"
      pad = string.rep(indent, depth)
      pad_in = string.rep(indent, depth + 1)
    end
    local sep = indent and ": " or ":"
    local items = {}
    if arr then
      if n == 0 then return "[]" end
      for i = 1, n do items[i] = pad_in .. encode(v[i], indent, depth + 1) end
      return "[" .. nl .. table.concat(items, "," .. nl) .. nl .. pad .. "]"
    end
    local keys = {}
    for k in pairs(v) do
      if type(k) ~= "string" and type(k) ~= "number" then error("invalid key type " .. type(k)) end
      keys[#keys + 1] = tostring(k)
    end
    table.sort(keys)
    for i, k in ipairs(keys) do
      local val = v[k]
      if val == nil then val = v[tonumber(k)] end
      items[i] = pad_in .. encode_string(k) .. sep .. encode(val, indent, depth + 1)
    end
    return "{" .. nl .. table.concat(items, "," .. nl) .. nl .. pad .. "}"
  else
    error("cannot encode type " .. t)
  end
end

local doc = {
  name = "pweval",
  version = 1.5,
  tags = {"lua", "test", "json"},
  nested = {z = 1, a = {true, false}, m = {}},
  count = 42,
  big = 2^53,
  ratio = 1 / 3,
  text = 'quote " backslash \\ newline \n tab \t bell \7',
  [10] = "numeric key",
}
print(encode(doc))
print(encode(doc, "  "))
print(encode({}), encode({{}}), encode({1, {2, {3}}}), encode("x"), encode(nil), encode(-0.0), encode(1e300))
local ok, err = pcall(encode, {f = function() end})
print(ok, (err:gsub("^[^:]*:%d+: ", "")))
ok, err = pcall(encode, {0 / 0 > 0 and 1 or math.huge})
print(ok, (err:gsub("^[^:]*:%d+: ", "")))

-- minimal decoder for the subset produced above
local function decode(s)
  local pos = 1
  local function ws() pos = s:find("[^ \n\r\t]", pos) or #s + 1 end
  local value
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        local map = {n = "\n", t = "\t", r = "\r", b = "\b", f = "\f", ['"'] = '"', ["\\"] = "\\", ["/"] = "/"}
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(s:sub(pos + 2, pos + 5), 16))
          pos = pos + 6
        else
          out[#out + 1] = map[e]
          pos = pos + 2
        end
      else
        out[#out + 1] = c
        pos = pos + 1
      end
    end
    return table.concat(out)
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local obj = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return obj end
      repeat
        ws()
        local k = str()
        ws(); pos = pos + 1
        obj[k] = value()
        ws()
        local d = s:sub(pos, pos); pos = pos + 1
      until d == "}"
      return obj
    elseif c == "[" then
      local arr = {}
      pos = pos + 1
      ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return arr end
      repeat
        arr[#arr + 1] = value()
        ws()
        local d = s:sub(pos, pos); pos = pos + 1
      until d == "]"
      return arr
    elseif c == '"' then return str()
    elseif s:find("^true", pos) then pos = pos + 4; return true
    elseif s:find("^false", pos) then pos = pos + 5; return false
    elseif s:find("^null", pos) then pos = pos + 4; return nil
    else
      local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
  end
  return value()
end
local round = decode(encode(doc, "\t"))
print(encode(round) == encode(doc), round.tags[3], round.nested.a[2], round.text == doc.text)
print(encode(decode('{"b": [1, 2.5, -3e2, "s\\u0041"], "a": {"x": null, "y": true}}')))
