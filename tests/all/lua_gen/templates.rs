//! Lua source templates for the random program generator ([`super`]): the
//! prelude (`checksum`, `mix`, `fmt`, `strip`), the class library, the int
//! array operations, and the snippet templates per feature area. The generator
//! substitutes the placeholders: `$T` tag, `$X $Y $Z` ints, `$S` string, `$F`
//! float, `$K` 1..9, `$N` 0..5, `$M` 2..4, `$D` 0..4, `$E` 0..40, `$A` a vararg
//! list (and `$t`, `$e`, `$p` in [`ARR_OPS`]).

pub(super) const PRELUDE: &str = r##"
    local checksum = 0
    local function mix(v)
      assert(math.type(v) == "integer", "mix expects an integer")
      checksum = (checksum * 31 + v) % 1000000007
    end
    local function fmt(x) return string.format("%.6g", x) end
    -- drop "chunk:line: " (chunk names differ) and variable descriptions like
    -- " (upvalue 'h')", mid-message too (their wording changed within 5.4)
    local function strip(m)
      if type(m) ~= "string" then return type(m) end
      return (m:gsub("^.-:%d+: ", ""):gsub(" %(%a+ '[^']*'%)", ""))
    end"##;

/// `Vec` (arithmetic, comparison, call, len, concat, tostring metamethods) and
/// `Base`/`Derived` (inheritance through an __index chain).
pub(super) const CLASSES: &str = r##"
    local Vec = {}
    Vec.__index = Vec
    function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
    function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
    function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
    function Vec.__lt(a, b) return a.x < b.x or (a.x == b.x and a.y < b.y) end
    function Vec.__le(a, b) return not (b < a) end
    function Vec.__tostring(v) return "(" .. v.x .. "," .. v.y .. ")" end
    function Vec.__len(v) return math.abs(v.x) + math.abs(v.y) end
    function Vec.__call(v, k) return v.x * k + v.y * $K end
    function Vec.__concat(a, b) return tostring(a) .. "&" .. tostring(b) end
    function Vec:dot(o) return self.x * o.x + self.y * o.y end
    local Base = {}
    Base.__index = Base
    function Base.new(n) return setmetatable({n = n}, Base) end
    function Base:kind() return "base" end
    function Base:value() return self.n * $M end
    local Derived = setmetatable({}, {__index = Base})
    Derived.__index = Derived
    function Derived.new(n) return setmetatable(Base.new(n), Derived) end
    function Derived:kind() return "derived/" .. Base.kind(self) end"##;

/// Operations on an int array `$t` (`$e`, `$p`: ints), with their extra cost.
pub(super) const ARR_OPS: &[(&str, u64)] = &[
    ("if #$t < 16 then table.insert($t, $e) end", 0),
    ("if #$t < 16 then table.insert($t, ($p) % (#$t + 1) + 1, $e) end", 0),
    ("if #$t > 0 then mix(table.remove($t)) end", 0),
    ("if #$t > 0 then mix(table.remove($t, 1)) end", 0),
    ("if #$t > 0 then $t[($p) % #$t + 1] = $e end", 0),
    ("table.sort($t)", 40),
    ("table.sort($t, function(a, b) return a > b end)", 40),
    ("table.sort($t, function(a, b) local x, y = a % 7, b % 7 if x ~= y then return x < y end return a < b end)", 40),
    ("for _, v in ipairs($t) do mix(v) end", 16),
    ("mix(#$t)", 0),
];

pub(super) const INT_EDGE: &[&str] = &[
    "math.maxinteger + 1", "math.mininteger - 1", "math.maxinteger * 2", "math.mininteger // -1", "math.mininteger % -1",
    "1 << 63", "1 << 64", "-1 >> 1", "~0", "5 ~ 3", "0xF0 | 0x0F", "math.ult(1, -1)", "math.abs(math.mininteger)",
    "math.maxinteger + 0.0 == math.maxinteger", "string.format('%d', 3.0)", "\"10\" + 5", "\"3\" * \"4\"", "\"0x10\" + 0",
    "0xffffffffffffffff", "math.tointeger(2^53)", "string.format('%x', 255)", "3 == 3.0", "math.type(3 // 1)",
    "math.type(3 / 1)", "math.type(2^2)", "1 < 1.5", "-0 == 0", "7 // 2 * 2 + 7 % 2", "2^63 == math.maxinteger + 1.0",
    "math.mininteger < -math.maxinteger", "(-8) >> 1 == (-8) // 2", "math.type(\"1\")", "tostring(1 << 62)", "1e2 == 100",
];

/// Integer loops at the ends of the range (5.4 computes the trip count first).
pub(super) const EDGE_LOOPS: &str = r##"
    do local n = 0
    for i = math.maxinteger - 2, math.maxinteger do n = n + 1 end
    for i = math.mininteger, math.mininteger + 2 do n = n + 1 end
    for i = 1, 0 do n = n + 100 end for i = 10, 1, -3 do n = n + i end
    print($T, "edge loops", n) end"##;

pub(super) const FLOATS: &[&str] = &[
    "fmt(7 / 2)", "fmt(2^10)", "fmt(10 // 3.0)", "fmt(-7.5 // 2)", "fmt(7.5 % -2)", "fmt(math.sqrt(2))", "fmt(0.1 + 0.2)",
    "string.format('%.3f', 2.5)", "fmt(1/0)", "fmt(-1/0)", "fmt(1e15)", "fmt(1e100)", "fmt(2^63)", "fmt(math.huge)",
    "fmt(-0.0)", "math.floor(3.7)", "math.ceil(-3.2)", "math.floor(-3.5)", "math.tointeger(3.5)", "math.tointeger(8.0)",
    "fmt(math.fmod(7, -3))", "fmt(math.fmod(-7.5, 2))", "fmt(3 % -2.5)", "fmt(math.pi * 1e6)", "fmt(1e308 * 10)",
    "string.format('%5.2f', math.pi)", "fmt(5 // 0.0)", "fmt(-5 // 0.0)", "fmt(2^-3)", "fmt(1 / 3)", "fmt(0.1 * 3)",
    "string.format('%.3f', 1 / 3)", "math.abs(-2.5) == 2.5", "fmt(math.max(1.5, 2, -3))", "math.type(math.max(1.5, 2))",
    "string.format('%.3f', -0.0005)", "fmt(123456789012)", "math.type(1e3 // 1)",
];

pub(super) const FLOAT_LOOP: &str = r##"
    do local acc, n = 0.0, 0
    for x = $A, $B, $C do acc = acc + x * $F n = n + 1 end
    print($T, n, fmt(acc), string.format("%.3f", acc), math.type(acc))
    mix(math.floor(acc) + n) end"##;

pub(super) const STRINGS: &[&str] = &[
    r##"local str = ($S):sub(1, 30)
    print($T, #str, str:upper(), str:lower(), str:sub(2, 4), str:sub(-3), str:rep(2, "|"), str:reverse())
    print($T, str:find("a", 1, true), str:find("l+"), str:match("(%a)(%a)"), str:gsub("[aeiou]", "*"))
    mix(#str + (str:byte(1) or 0))"##,
    r##"local str = ($S):sub(1, 20)
    print($T, string.format("%d|%s|%5.2f|%-6s|%03d", $X, str, $F, str:sub(1, 3), ($Y) % 1000))
    print($T, str:byte(-1), string.char(72, 101, 108, 108, 111), str == str:lower(), str:byte(1, 3))"##,
    r##"local parts = {}
    for w in ("one two three " .. $S):gmatch("%a+") do parts[#parts + 1] = w:upper() end
    print($T, table.concat(parts, "+"), #parts, ("hello world from lua"):gsub("(%w+)", "<%1>", 2))
    print($T, ("a,b,,c"):find(",", 3, true), ("key=val"):match("(%w+)=(%w+)"))"##,
    r##"print($T, tostring(12), tostring(-5), tostring(true), tostring(nil), tonumber("0x1F"), tonumber("  42  "))
    print($T, tonumber("z", 36), tonumber("12abc"), math.type(tonumber("10")), fmt(tonumber("1e2")), ("%d items"):format($K))
    print($T, utf8.char(72, 105), utf8.len("hello"), #utf8.char(8364), utf8.codepoint("A"))"##,
    r##"local str = ($S):sub(1, 20)
    print($T, "abc" < "abd", "a" < "B", "Z" < "a", str < "m", "" < "a", ("x"):rep(0), ("ab"):rep(3, ","))
    print($T, string.format("%q", str), string.format("[%5s][%-5s]", "ab", "cd"))"##,
];

pub(super) const ARRAYS: &[&str] = &[
    r##"local arr = {($X) % 100, ($Y) % 100, ($Z) % 100, $K, 7}
    table.insert(arr, ($X) % 50) table.insert(arr, 1, $K * 3)
    local removed = table.remove(arr, 2)
    table.sort(arr, function(a, b) return a > b end)
    print($T, #arr, table.concat(arr, ","), removed) mix(removed + #arr)"##,
    r##"local arr = {($X) % 100, ($Y) % 100, ($Z) % 100, $K, 12, 5}
    table.sort(arr, function(a, b) local x, y = a % 5, b % 5 if x ~= y then return x < y end return a < b end)
    print($T, table.concat(arr, " "), table.unpack(arr, 1, 3))
    print($T, select('#', table.unpack(arr)), #table.move(arr, 1, 3, 1, {}))"##,
    r##"local people, names, out = {}, {"ann", "bob", "cy", "dee", "eve", "fay"}, {}
    for i = 1, #names do people[i] = {name = names[i], age = (i * ($K % 3 + 1) + $M) % 4} end
    table.sort(people, function(a, b) if a.age ~= b.age then return a.age > b.age end return a.name < b.name end)
    for i, p in ipairs(people) do out[i] = p.name .. ":" .. p.age end
    print($T, table.concat(out, " "))"##,
    r##"local seq, sum, rev, odd = {}, 0, {}, {}
    for i = 1, $N + 2 do seq[i] = i * i - $K end
    for i, v in ipairs(seq) do sum = sum + i * v end
    for i = #seq, 1, -1 do rev[#rev + 1] = seq[i] end
    for i = 1, $N + 3 do
      if i % $M == 0 then goto continue end
      odd[#odd + 1] = i
      ::continue::
    end
    print($T, sum, table.concat(rev, " "), #seq, table.concat(odd, ","), #{odd, {1, 2}, {}}) mix(sum)"##,
];

pub(super) const RECORDS: &[&str] = &[
    r##"local rec, keys, parts = {name = $S, hp = $X, pos = {x = $Y, y = $K}}, {}, {}
    rec.level = $Z rec["tag" .. $K] = true rec.hp = rec.hp - rec.pos.x
    for k in pairs(rec) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = rec[k]
      if type(v) == "table" then v = "{" .. v.x .. "," .. v.y .. "}" end
      parts[#parts + 1] = k .. "=" .. tostring(v)
    end
    print($T, table.concat(parts, " "), rec.missing == nil, #keys) mix(rec.hp)"##,
    r##"local sp, ks, out = {}, {}, {}
    sp[$K] = "a" sp[($X) % 50] = "b" sp[-3] = "c" sp[100] = "d"
    for k in pairs(sp) do ks[#ks + 1] = k end
    table.sort(ks)
    for i, k in ipairs(ks) do out[i] = k .. ":" .. sp[k] end
    print($T, table.concat(out, " "), #ks)"##,
    r##"local inv, ks, out = {}, {}, {}
    for _, n in ipairs({"ax", "bo", "cy", "ax", "dd", "bo", "ax", $S}) do inv[n] = (inv[n] or 0) + 1 end
    for k in pairs(inv) do ks[#ks + 1] = k end
    table.sort(ks, function(a, b) if inv[a] ~= inv[b] then return inv[a] > inv[b] end return a < b end)
    for i, k in ipairs(ks) do out[i] = k .. "#" .. inv[k] end
    print($T, table.concat(out, " "))"##,
    // Sets into empty slots (holes, a field set to nil and back) and gets
    // of nil fields, on a plain table, one whose metatable has only
    // `__index`, and one that gains `__newindex` midway.
    r##"local plain, logged, writes = {}, {}, 0
    local mt = {__index = function(_, k) return "d" .. tostring(k) end}
    local meta = setmetatable({}, mt)
    for i = 1, $N + 4 do
      plain[i] = i * $K meta[i] = i
      if i % 3 == 0 then plain[i] = nil plain.f = nil else plain.f = i end
      if i == $M then mt.__newindex = function(t, k, v) writes = writes + 1 rawset(t, k, v + 100) end end
      logged[#logged + 1] = tostring(plain.f) .. "/" .. tostring(meta.g)
    end
    for i = 3, $N + 4, 3 do if plain[i] == nil then plain[i] = -i end end
    local sum = 0
    for i = 1, $N + 4 do sum = sum + (plain[i] or 0) + meta[i] end
    print($T, table.concat(logged, " "), writes, sum, plain.missing, meta.other) mix(sum)"##,
];

pub(super) const CLOSURES: &[&str] = &[
    r##"local fs, acc = {}, 0
    for i = 1, $N do local j = i * $K fs[i] = function(x) return x * i + j end end
    for i = 1, #fs do acc = acc + fs[i]($X) end
    print($T, "loopcap", acc, #fs) mix(acc)"##,
    r##"local function make(n0)
      local n = n0
      return function(d) n = n + d return n end, function() return n end
    end
    local inc, get = make($X)
    local inc2, get2 = make(0)
    inc($K) inc2(1) inc(-1)
    print($T, "shared", get(), get2(), inc(0), inc2(5)) mix(get())"##,
    r##"local cnt, w, fs, parts = 0, 0, {}, {}
    local function bump() cnt = cnt + 1 return cnt end
    while w < $N do w = w + 1 local snap = bump() * $K fs[#fs + 1] = function() return snap + cnt end end
    for i = 1, #fs do parts[i] = fs[i]() end
    print($T, "snap", table.concat(parts, ","), cnt)"##,
    r##"local function compose(f, g) return function(x) return f(g(x)) end end
    local function adder(k) return function(x) return x + k end end
    local h = compose(adder($K), compose(adder(1), function(x) return x * 2 end))
    print($T, "compose", h($X), h(0)) mix(h(1))"##,
];

pub(super) const VARARGS: &[&str] = &[
    r##"local function va(...)
      local p, s = table.pack(...), 0
      for i = 1, p.n do if p[i] ~= nil then s = s + p[i] end end
      return select('#', ...), s, p.n
    end
    print($T, va($A))
    print($T, va())
    print($T, select(2, $X, $Y, $Z), select(-1, $X, $Y), (select('#')), select('#', nil, nil))"##,
    r##"local function mr() return $X, $Y, $Z end
    local function divmod(a, b) return a // b, a % b end
    local x, y = mr()
    local p, q, r, s = 0, mr()
    local t, u, v = {mr(), mr()}, divmod($X, ($Y) | 1)
    local a, b, c = divmod(17, 5), 9
    print($T, x, y, p, q, r, s, #t, (mr()), u, v, a, b, c, (divmod(-17, 5))) mix(x + y + #t + u)"##,
    r##"local function sum(...)
      local s = 0
      for _, v in ipairs({...}) do s = s + v end
      return s, select('#', ...)
    end
    local function pass(...) return ... end
    print($T, sum(table.unpack({$X, $Y, $Z})), sum(), sum(1, 2, 3))
    print($T, pass($X, nil, $K))
    print($T, table.pack(pass()).n, #{pass(1, 2, 3)})"##,
];

/// The first two need the class library.
pub(super) const META: &[&str] = &[
    r##"local a, b = Vec.new(($X) % 100, ($Y) % 100), Vec.new(($Z) % 100, $K)
    local c = a + b
    print($T, tostring(c), a == b, a < b, a <= b, #c, c($K))
    print($T, a:dot(b), a == Vec.new(a.x, a.y), rawequal(a, Vec.new(a.x, a.y)), getmetatable(a) == Vec, a .. "!")
    mix(a:dot(b) + #c)"##,
    r##"local objs, vs, out = {Base.new($K), Derived.new(($X) % 50), Derived.new(2)}, {}, {}
    for i, o in ipairs(objs) do print($T, i, o:kind(), o:value(), o.n) end
    print($T, getmetatable(objs[2]) == Derived, rawget(Derived, "value") == nil) mix(objs[2]:value())
    for i = 1, 5 do vs[i] = Vec.new((i * $K) % 7, i) end
    table.sort(vs, function(p, q) return p < q end)
    for i, v in ipairs(vs) do out[i] = tostring(v) end
    print($T, table.concat(out, " "), #vs[1] + vs[5](2))"##,
    r##"local log = {}
    local d = setmetatable({}, {__index = function(t, k) return #k * $K end,
      __newindex = function(t, k, v) log[#log + 1] = k rawset(t, k, v) end})
    d.alpha = $K d.alpha = 2 d.beta = 3
    print($T, d.alpha, d.gamma, d.zz, #log, table.concat(log, ","), rawget(d, "zz"))"##,
    r##"local mt = {__unm = function(o) return o.v * -1 end, __mod = function(a, b) return "mod" end,
      __len = function() return $K end, __concat = function(a, b) return "cat" end,
      __tostring = function(o) return "obj" .. o.v end}
    local o = setmetatable({v = $X}, mt)
    print($T, -o, o % 2, #o, o .. "x", "x" .. o, tostring(o))"##,
    // Lookups by string key on random shapes: an object of 3-27 fields
    // (keys that share chains), methods 1-5 `__index` levels up (the
    // specialized body walks three inline, then Lua's own code), absent
    // keys, and a class whose `__index` is removed while in use.
    r##"local depth, nf = $D + 1, $K * 3
    local classes, prev = {}, nil
    for lvl = 1, depth do
      local c = {}
      c.__index = c
      if prev then setmetatable(c, {__index = prev}) end
      c["m" .. lvl] = function(self, a) return self.f1 * lvl + (a or 0) end
      c.who = function() return lvl end
      classes[lvl], prev = c, c
    end
    local o = setmetatable({}, classes[1])
    setmetatable(o, prev)
    for i = 1, nf do o["f" .. i] = i * ($X % 7 + 1) end
    local s, miss = 0, 0
    for r = 1, $N + 1 do
      for lvl = 1, depth do s = s + o["m" .. lvl](o, r) end
      s = s + o:who() + o:m1(r) + o.f1 + o["f" .. nf]
      if o.nothere == nil and o:who() == 1 then miss = miss + 1 end
    end
    local ok, e = pcall(function() return o:absent() end)
    print($T, s, miss, ok, strip(e))
    prev.__index = nil
    local ok2, e2 = pcall(function() return o:who() end)
    prev.__index = prev
    print($T, ok2, strip(e2), o:who(), o.nothere) mix(s)"##,
    // Method calls from one warm call site while the classes change under
    // them, one change per round, chosen from $X and $Y: the specialized
    // body remembers where each receiver class's method was found and must
    // see every change (a method replaced, gained or lost on the way, an
    // own field, an `__index` moved, a new metatable, a class grown).
    r##"local A = {} A.__index = A
    function A:m() return 1 end
    local B = setmetatable({}, {__index = A}) B.__index = B
    local C = setmetatable({}, {__index = B}) C.__index = C
    local O = {m = function() return 50 end}
    local objs = {setmetatable({}, A), setmetatable({}, B), setmetatable({}, C)}
    local seen = ""
    for round = 1, 14 do
      for i = 1, 3 do
        local ok, v = pcall(function() return objs[i]:m() end)
        seen = seen .. (ok and v or "e") .. ","
      end
      local act = (round * ($X % 13 + 1) + $Y) % 10
      if act == 0 or act == 8 then A.m = function() return round * 2 end
      elseif act == 1 then B.m = function() return 100 + round end
      elseif act == 2 then B.m = nil
      elseif act == 3 then rawset(objs[3], "m", function() return 7 end)
      elseif act == 4 then objs[3].m = nil
      elseif act == 5 then getmetatable(B).__index = (getmetatable(B).__index == A) and O or A
      elseif act == 6 then setmetatable(C, {__index = (round % 2 == 0) and A or B})
      elseif act == 7 then for k = 1, $K * 4 do A[k * 1000] = k end
      else A.m = nil end -- 9
    end
    print($T, seen) mix(#seen)"##,
];

pub(super) const COROUTINES: &[&str] = &[
    r##"local c = $X
    local gen = coroutine.wrap(function(n) for i = 1, n do coroutine.yield(i * c) end return -1 end)
    local got = {gen($N)}
    for i = 2, $N + 1 do got[i] = gen() end
    print($T, "wrap", table.concat(got, ","))"##,
    r##"local co = coroutine.create(function(a, b)
      local c = coroutine.yield(a + b)
      local d, e = coroutine.yield(c * 2)
      return d + e, "end"
    end)
    print($T, coroutine.resume(co, $X, $Y))
    print($T, coroutine.status(co), coroutine.resume(co, $Z))
    print($T, coroutine.resume(co, 1, 2))
    print($T, coroutine.status(co), coroutine.resume(co))"##,
    r##"local bad = coroutine.create(function(v) coroutine.yield(v) error("co fail " .. v) end)
    print($T, coroutine.resume(bad, $X))
    local ok, msg = coroutine.resume(bad)
    print($T, ok, strip(msg), coroutine.status(bad))"##,
    r##"local pc = coroutine.wrap(function()
      local ok, v = pcall(function() local r = coroutine.yield(1) return r * 2 end)
      coroutine.yield(v)
      return 0
    end)
    local p1 = pc()
    local p2 = pc($X)
    print($T, "across pcall", p1, p2, pc()) mix(p2)"##,
    r##"local me
    me = coroutine.create(function() return coroutine.status(me), coroutine.isyieldable() end)
    print($T, coroutine.resume(me))
    print($T, coroutine.isyieldable(), select(2, coroutine.running()), coroutine.status(me))
    local cl = coroutine.create(function() coroutine.yield() end)
    coroutine.resume(cl)
    print($T, coroutine.status(cl), coroutine.close(cl), coroutine.status(cl))"##,
    r##"local prod, total, count = coroutine.create(function(n) for i = 1, n do coroutine.yield(i * i) end end), 0, 0
    for _ = 1, $N + 1 do
      local ok, v = coroutine.resume(prod, $N)
      if v then total = total + v count = count + 1 end
    end
    print($T, "prod", total, count, coroutine.status(prod)) mix(total)"##,
];

/// Call/index errors on nil print only `ok`/`err`; other messages via `strip`.
pub(super) const ERRORS: &[&str] = &[
    r##"local z = ($X) % 3
    local ok, e = pcall(function() return ($Y) // z end)
    local ok2, e2 = pcall(function() return ($Y) % z end)
    print($T, "idiv", ok, ok and e or strip(e), "mod", ok2, ok2 and e2 or strip(e2))
    print($T, xpcall(function(a, b) return a // b end, function(m) return "H " .. strip(m) end, $Y, z))"##,
    r##"local t = {}
    local ok1, e1 = pcall(function() local n = nil return n + $K end)
    local ok2, e2 = pcall(function() return t + 1 end)
    local ok3, e3 = pcall(function() return "x" .. t end)
    print($T, ok1, strip(e1), ok2, strip(e2), ok3, strip(e3))"##,
    r##"local t, h = {}, 1.5
    local ok1, e1 = pcall(function() return t < t end)
    local ok2, e2 = pcall(function() return 1 < "2" end)
    local ok3, e3 = pcall(function() return h | 0 end)
    print($T, ok1, strip(e1), ok2, strip(e2), ok3, strip(e3), 3.0 | 0)"##,
    r##"local r = {}
    local okc = pcall(function() local f return f() end)
    local oki = pcall(function() local u return u.x end)
    local okf = pcall(function() return r.a.b end)
    local okm = pcall(function() return r:nomethod() end)
    print($T, okc and "ok" or "err", oki and "ok" or "err", okf and "ok" or "err", okm and "ok" or "err")"##,
    r##"local function check(v) if v > $K then error("too big " .. v) end return v * 2 end
    local fails = 0
    for _, v in ipairs({($X) % 20, $K, ($Y) % 20}) do
      local ok, e = pcall(check, v)
      print($T, ok, ok and e or strip(e))
      if not ok then fails = fails + 1 end
    end
    mix(fails)"##,
    r##"local function lvl(v) error("lvl " .. v, 2) end
    local ok1, e1 = pcall(function() lvl($K) end)
    local ok2, e2 = pcall(error, "plain", 0)
    local ok3, e3 = pcall(error, $K)
    local ok4, e4 = pcall(error)
    local ok5, e5 = pcall(function() error({code = $X, why = "bad"}) end)
    print($T, ok1, strip(e1), ok2, e2, ok3, e3, ok4, e4, ok5, type(e5), e5.code, e5.why)"##,
    r##"local ok, e = pcall(function()
      local ok2, e2 = pcall(function() error("inner") end)
      error("outer/" .. strip(e2), 0)
    end)
    print($T, ok, e, pcall(assert, false, "assert msg"))
    print($T, select('#', pcall(assert, 1, 2)), (pcall(assert, nil)))"##,
];

pub(super) const RECURSION: &[&str] = &[
    r##"local isEven, isOdd
    function isEven(n) if n == 0 then return true end return isOdd(n - 1) end
    function isOdd(n) if n == 0 then return false end return isEven(n - 1) end
    local n = ($X) % 25
    print($T, n, isEven(n), isOdd(n))"##,
    r##"local function build(d) if d == 0 then return {v = 1} end return {l = build(d - 1), r = build(d - 1), v = d} end
    local function total(t, d) if d == 0 then return t.v end return t.v + total(t.l, d - 1) + total(t.r, d - 1) end
    local tr = build($D)
    print($T, "tree", total(tr, $D)) mix(total(tr, $D))"##,
    r##"local function gcd(a, b, d) if b == 0 or d == 0 then return a end return gcd(b, a % b, d - 1) end
    local function count(d, acc) if d <= 0 then return acc end return count(d - 1, acc + d) end
    local function pow(b, e)
      if e == 0 then return 1 end
      local h = pow(b, e // 2)
      if e % 2 == 0 then return h * h end
      return h * h * b
    end
    print($T, gcd($X, $Y, 64), gcd(48, 18, 64), count($E * 3, 0), pow(3, $E), pow(2, 62), pow(2, 64))
    mix(pow(3, $E))"##,
];

pub(super) const TBC: &[&str] = &[
    r##"local order = {}
    do
      local a <close> = setmetatable({}, {__close = function() order[#order + 1] = "a" end})
      local b <close> = setmetatable({}, {__close = function(_, err) order[#order + 1] = "b" .. tostring(err) end})
      local k <const> = $X
      order[#order + 1] = "body" .. k
    end
    local ok = pcall(function()
      local c <close> = setmetatable({}, {__close = function(_, e) order[#order + 1] = "c/" .. strip(e) end})
      error("boom")
    end)
    print($T, ok, table.concat(order, ","))"##,
    r##"local K1 <const> = $K
    local K2 <const> = K1 * 2 + 1
    local total = 0
    for i = 1, K1 % 5 + 1 do total = total + K2 end
    print($T, K1, K2, total) mix(total)"##,
];
