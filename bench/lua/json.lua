-- json.lua: a small JSON encoder for nested tables with sorted keys.
-- Stresses recursion, type dispatch, table.sort, string escaping and concat.

local N = tonumber(arg and arg[1]) or 19000

local escapes = {
  ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t',
}

local function escape_str(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function is_array(t)
  local n = #t
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

local encode

local function encode_into(v, out)
  local tv = type(v)
  if tv == "table" then
    if is_array(v) then
      out[#out + 1] = "["
      for i = 1, #v do
        if i > 1 then out[#out + 1] = "," end
        encode_into(v[i], out)
      end
      out[#out + 1] = "]"
    else
      local keys = {}
      for k in pairs(v) do keys[#keys + 1] = tostring(k) end
      table.sort(keys)
      out[#out + 1] = "{"
      for i, k in ipairs(keys) do
        if i > 1 then out[#out + 1] = "," end
        out[#out + 1] = escape_str(k)
        out[#out + 1] = ":"
        encode_into(v[k], out)
      end
      out[#out + 1] = "}"
    end
  elseif tv == "string" then
    out[#out + 1] = escape_str(v)
  elseif tv == "number" then
    if math.type(v) == "integer" then
      out[#out + 1] = string.format("%d", v)
    else
      out[#out + 1] = string.format("%.4f", v)
    end
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  else
    out[#out + 1] = "null"
  end
end

encode = function(v)
  local out = {}
  encode_into(v, out)
  return table.concat(out)
end

local function make_doc(i)
  local items = {}
  for k = 1, 6 do
    items[k] = {
      id = i * 10 + k,
      label = "item\t" .. k,
      price = (i % 97) * 0.25 + k,
      tags = { "a" .. (k % 3), "b\"" .. (i % 5), k % 2 == 0 },
    }
  end
  return {
    name = "doc-" .. i,
    version = i % 7,
    active = i % 2 == 0,
    note = "line1\nline2 \\ end",
    meta = { zeta = i, alpha = "x" .. i, mid = { deep = { deeper = i * 3 } } },
    items = items,
  }
end

local total, hash, last = 0, 0, nil
for i = 1, N do
  local s = encode(make_doc(i % 50))
  total = total + #s
  hash = (hash * 31 + s:byte(#s // 2)) & 0xFFFFFFFF
  last = s
end

print(string.format("docs=%d bytes=%d hash=%d len=%d", N, total, hash, #last))
print(last:sub(1, 60))
