/*
 * The stackvm assembler: text assembly -> per-function bytecode, plus a
 * verifier. It runs inside the init function (before the snapshot), so none
 * of this code runs in the snapshotted program's hot path.
 *
 * Syntax (one statement per line; `;` starts a comment outside strings):
 *   global NAME [VALUE]            a global (VALUE: int or float literal, 0 if
 *                                  absent); declare before use
 *   func NAME NPARAMS NLOCALS      start a function; NLOCALS counts the
 *     [LABEL:] [MNEMONIC OPERANDS]   parameters too (they are locals 0..)
 *   end                            end the function
 * Execution starts at `func main 0 N`. See README.md for the instructions.
 *
 * The verifier is what makes the bytecode specializer-friendly: it proves
 * that the operand stack depth at each instruction is the same on every path
 * (like the JVM's), records the maximum depth in the header (one overflow
 * check per call) and checks every operand (local, global, string, jump
 * target, callee), so the interpreter need not re-check them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vm.h"

typedef struct {
  const char* name;
  uint8_t kind, pops, pushes;
} OpInfo;

static const OpInfo op_info[OP_COUNT] = {
#define X(name, mnem, kind, pops, pushes) {mnem, kind, pops, pushes},
    STACKVM_OPCODES(X)
#undef X
};

/* Code words after the opcode, per operand kind. */
static uint32_t operand_words(uint8_t kind) {
  switch (kind) {
    case K_NONE: return 0;
    case K_LOCAL_INT: return 2;
    case K_FUNC: return 3;
    default: return 1;
  }
}

/* A reference to resolve once its target is known: a label (within the
 * current function) or a function (after the whole file). */
typedef struct {
  char* name;
  uint32_t func, at, line;
} Ref;

typedef struct {
  char* name;
  uint32_t pc;
} Label;

typedef struct {
  VM* vm;
  const char* path;
  uint32_t line;
  int32_t cur; /* function being assembled, or -1 */
  uint32_t funcs_cap, code_cap, globals_cap, strings_cap;
  Label* labels;
  uint32_t nlabels, labels_cap;
  Ref* jumps; /* label references of the current function */
  uint32_t njumps, jumps_cap;
  Ref* calls; /* function references of the whole file */
  uint32_t ncalls, calls_cap;
} Asm;

__attribute__((noreturn, format(printf, 3, 4))) static void asm_fail(const Asm* a, uint32_t line,
                                                                   const char* fmt, ...) {
  va_list ap;
  fprintf(stderr, "stackvm: %s:%" PRIu32 ": ", a->path, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static void* xrealloc(void* p, size_t n) {
  void* q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("stackvm: out of memory\n", stderr);
    exit(1);
  }
  return q;
}

/* Make room for one more element in a growable array. */
#define GROW(arr, count, cap)                                          \
  do {                                                                 \
    if ((count) == (cap)) {                                            \
      (cap) = (cap) ? 2 * (cap) : 16;                                  \
      (arr) = xrealloc((arr), (size_t)(cap) * sizeof *(arr));          \
    }                                                                  \
  } while (0)

static char* xstrdup(const char* s) {
  size_t n = strlen(s) + 1;
  char* d = xrealloc(NULL, n);
  memcpy(d, s, n);
  return d;
}

static bool is_ident(const char* s) {
  if (!(*s == '_' || *s == '.' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))) {
    return false;
  }
  for (s++; *s; s++) {
    if (!(*s == '_' || *s == '.' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9'))) {
      return false;
    }
  }
  return true;
}

bool stackvm_parse_int(const char* s, int64_t* out) {
  char* end;
  errno = 0;
  long long v = strtoll(s, &end, 0);
  if (errno || end == s || *end) {
    return false;
  }
  *out = (int64_t)v;
  return true;
}

static bool parse_float(const char* s, double* out) {
  char* end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno == ERANGE || end == s || *end) {
    return false;
  }
  *out = v;
  return true;
}

/* A literal as a slot: an int if it parses as one, else a double's bits. */
static bool parse_literal(const char* s, uint64_t* out) {
  int64_t i;
  double d;
  if (stackvm_parse_int(s, &i)) {
    *out = (uint64_t)i;
    return true;
  }
  if (parse_float(s, &d)) {
    *out = f64_to_slot(d);
    return true;
  }
  return false;
}

/* Parse "..." at *p (escapes \n \t \" \\) into a fresh string. */
static char* parse_string(Asm* a, char** p) {
  char* s = *p + 1;
  size_t cap = strlen(s) + 1, n = 0;
  char* out = xrealloc(NULL, cap);
  for (;; s++) {
    if (*s == '\0') {
      asm_fail(a, a->line, "unterminated string");
    }
    if (*s == '"') {
      break;
    }
    if (*s == '\\') {
      s++;
      switch (*s) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        default: asm_fail(a, a->line, "unknown escape \\%c in string", *s ? *s : ' ');
      }
    } else {
      out[n++] = *s;
    }
  }
  out[n] = '\0';
  *p = s + 1;
  return out;
}

/* Split a line into at most `max` tokens in place; a string literal is one
 * token (returned with its leading quote, already unescaped into *str).
 * Stops at a `;` comment. Returns the token count. */
static int tokenize(Asm* a, char* line, char** tok, int max, char** str) {
  int n = 0;
  char* p = line;
  *str = NULL;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\r') {
      p++;
    }
    if (*p == '\0' || *p == ';') {
      return n;
    }
    if (n == max) {
      asm_fail(a, a->line, "too many operands");
    }
    if (*p == '"') {
      if (*str) {
        asm_fail(a, a->line, "only one string per line");
      }
      tok[n++] = p;
      *str = parse_string(a, &p);
      if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != ';') {
        asm_fail(a, a->line, "junk after string");
      }
      if (*p == ';') {
        return n;
      }
      if (*p) {
        *p++ = '\0';
      }
      continue;
    }
    tok[n++] = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != ';') {
      p++;
    }
    if (*p == ';') {
      *p = '\0';
      return n;
    }
    if (*p) {
      *p++ = '\0';
    }
  }
}

static int find_func(const VM* vm, const char* name) {
  for (uint32_t i = 0; i < vm->nfuncs; i++) {
    if (strcmp(vm->funcs[i].name, name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

int stackvm_find_global(const VM* vm, const char* name) {
  for (uint32_t i = 0; i < vm->nglobals; i++) {
    if (strcmp(vm->global_names[i], name) == 0) {
      return (int)i;
    }
  }
  return -1;
}

/* Append one code word to the current function, remembering its line. */
static void emit(Asm* a, uint64_t word) {
  Func* f = &a->vm->funcs[a->cur];
  if (f->len == a->code_cap) {
    a->code_cap *= 2;
    f->code = xrealloc(f->code, a->code_cap * sizeof *f->code);
    f->lines = xrealloc(f->lines, a->code_cap * sizeof *f->lines);
  }
  f->code[f->len] = word;
  f->lines[f->len] = a->line;
  f->len++;
}

static uint32_t parse_count(Asm* a, const char* s, const char* what, uint32_t max) {
  int64_t v;
  if (!stackvm_parse_int(s, &v) || v < 0 || v > max) {
    asm_fail(a, a->line, "%s must be an integer in 0..%" PRIu32 ", not `%s`", what, max, s);
  }
  return (uint32_t)v;
}

static void directive_global(Asm* a, char** tok, int n) {
  VM* vm = a->vm;
  uint64_t value = 0;
  if (n < 2 || n > 3 || !is_ident(tok[1])) {
    asm_fail(a, a->line, "expected `global NAME [VALUE]`");
  }
  if (stackvm_find_global(vm, tok[1]) >= 0) {
    asm_fail(a, a->line, "global `%s` declared twice", tok[1]);
  }
  if (n == 3 && !parse_literal(tok[2], &value)) {
    asm_fail(a, a->line, "bad literal `%s`", tok[2]);
  }
  GROW(vm->global_names, vm->nglobals, a->globals_cap);
  vm->globals = xrealloc(vm->globals, a->globals_cap * sizeof *vm->globals);
  vm->global_names[vm->nglobals] = xstrdup(tok[1]);
  vm->globals[vm->nglobals] = value;
  vm->nglobals++;
}

static void directive_func(Asm* a, char** tok, int n) {
  VM* vm = a->vm;
  Func* f;
  if (n != 4 || !is_ident(tok[1])) {
    asm_fail(a, a->line, "expected `func NAME NPARAMS NLOCALS`");
  }
  if (find_func(vm, tok[1]) >= 0) {
    asm_fail(a, a->line, "function `%s` defined twice", tok[1]);
  }
  GROW(vm->funcs, vm->nfuncs, a->funcs_cap);
  a->cur = (int32_t)vm->nfuncs++;
  f = &vm->funcs[a->cur];
  memset(f, 0, sizeof *f);
  f->name = xstrdup(tok[1]);
  f->nparams = parse_count(a, tok[2], "NPARAMS", STACKVM_MAX_ARGS);
  f->nlocals = parse_count(a, tok[3], "NLOCALS", STACKVM_MAX_LOCALS);
  if (f->nlocals < f->nparams) {
    asm_fail(a, a->line, "NLOCALS (%" PRIu32 ") must count the %" PRIu32 " parameters too",
             f->nlocals, f->nparams);
  }
  a->code_cap = 64;
  f->code = xrealloc(NULL, a->code_cap * sizeof *f->code);
  f->lines = xrealloc(NULL, a->code_cap * sizeof *f->lines);
  emit(a, (uint64_t)a->cur); /* H_FUNC */
  emit(a, f->nparams);       /* H_NPARAMS */
  emit(a, f->nlocals);       /* H_NLOCALS */
  emit(a, 0);                /* H_FRAME, set by the verifier */
  a->nlabels = 0;
  a->njumps = 0;
}

/* `end`: resolve the function's labels. */
static void directive_end(Asm* a) {
  Func* f = &a->vm->funcs[a->cur];
  for (uint32_t j = 0; j < a->njumps; j++) {
    Ref* r = &a->jumps[j];
    uint32_t k = 0;
    while (k < a->nlabels && strcmp(a->labels[k].name, r->name) != 0) {
      k++;
    }
    if (k == a->nlabels) {
      asm_fail(a, r->line, "no label `%s` in function %s", r->name, f->name);
    }
    f->code[r->at] = a->labels[k].pc;
    free(r->name);
  }
  for (uint32_t k = 0; k < a->nlabels; k++) {
    free(a->labels[k].name);
  }
  a->cur = -1;
}

static void instruction(Asm* a, char** tok, int n, char* str) {
  VM* vm = a->vm;
  Func* f = &vm->funcs[a->cur];
  int op = 0;
  while (op < OP_COUNT && strcmp(op_info[op].name, tok[0]) != 0) {
    op++;
  }
  if (op == OP_COUNT) {
    asm_fail(a, a->line, "unknown instruction `%s`", tok[0]);
  }
  uint8_t kind = op_info[op].kind;
  int want = kind == K_NONE ? 0 : kind == K_LOCAL_INT ? 2 : 1;
  if (n - 1 != want) {
    asm_fail(a, a->line, "`%s` takes %d operand(s), got %d", tok[0], want, n - 1);
  }
  if (kind == K_STRING ? !(str && tok[1][0] == '"') : str != NULL) {
    asm_fail(a, a->line, "`%s`: %s", tok[0],
             kind == K_STRING ? "the operand must be a \"string\"" : "unexpected string");
  }
  emit(a, (uint64_t)op);
  switch (kind) {
    case K_NONE:
      break;
    case K_INT: {
      int64_t v;
      if (!stackvm_parse_int(tok[1], &v)) {
        asm_fail(a, a->line, "bad integer `%s`", tok[1]);
      }
      emit(a, (uint64_t)v);
      break;
    }
    case K_FLOAT: {
      double d;
      if (!parse_float(tok[1], &d)) {
        asm_fail(a, a->line, "bad float `%s`", tok[1]);
      }
      emit(a, f64_to_slot(d));
      break;
    }
    case K_LOCAL:
    case K_LOCAL_INT: {
      if (f->nlocals == 0) {
        asm_fail(a, a->line, "function %s has no locals", f->name);
      }
      emit(a, parse_count(a, tok[1], "local index", f->nlocals - 1));
      if (kind == K_LOCAL_INT) {
        int64_t v;
        if (!stackvm_parse_int(tok[2], &v)) {
          asm_fail(a, a->line, "bad integer `%s`", tok[2]);
        }
        emit(a, (uint64_t)v);
      }
      break;
    }
    case K_GLOBAL: {
      int g = stackvm_find_global(vm, tok[1]);
      if (g < 0) {
        asm_fail(a, a->line, "unknown global `%s` (declare it above its first use)", tok[1]);
      }
      emit(a, (uint64_t)g);
      break;
    }
    case K_LABEL:
      if (!is_ident(tok[1])) {
        asm_fail(a, a->line, "bad label `%s`", tok[1]);
      }
      GROW(a->jumps, a->njumps, a->jumps_cap);
      a->jumps[a->njumps++] = (Ref){xstrdup(tok[1]), (uint32_t)a->cur, f->len, a->line};
      emit(a, 0);
      break;
    case K_FUNC:
      if (!is_ident(tok[1])) {
        asm_fail(a, a->line, "bad function name `%s`", tok[1]);
      }
      GROW(a->calls, a->ncalls, a->calls_cap);
      a->calls[a->ncalls++] = (Ref){xstrdup(tok[1]), (uint32_t)a->cur, f->len, a->line};
      emit(a, 0); /* callee index */
      emit(a, 0); /* its parameter count (the CALL handler needs it constant) */
      emit(a, 0); /* the address of its Func (see OP_CALL in interp.c) */
      break;
    case K_STRING:
      GROW(vm->strings, vm->nstrings, a->strings_cap);
      vm->strings[vm->nstrings] = str;
      emit(a, vm->nstrings++);
      break;
  }
}

static void assemble_line(Asm* a, char* line) {
  char* tok[4];
  char* str;
  int n = tokenize(a, line, tok, 4, &str);
  if (n == 0) {
    return;
  }
  /* A leading `name:` defines a label at the next instruction. */
  size_t len = strlen(tok[0]);
  if (tok[0][0] != '"' && len > 1 && tok[0][len - 1] == ':') {
    tok[0][len - 1] = '\0';
    if (a->cur < 0) {
      asm_fail(a, a->line, "label `%s` outside a function", tok[0]);
    }
    if (!is_ident(tok[0])) {
      asm_fail(a, a->line, "bad label `%s`", tok[0]);
    }
    for (uint32_t k = 0; k < a->nlabels; k++) {
      if (strcmp(a->labels[k].name, tok[0]) == 0) {
        asm_fail(a, a->line, "label `%s` defined twice", tok[0]);
      }
    }
    GROW(a->labels, a->nlabels, a->labels_cap);
    a->labels[a->nlabels++] = (Label){xstrdup(tok[0]), a->vm->funcs[a->cur].len};
    for (int i = 1; i < n; i++) {
      tok[i - 1] = tok[i];
    }
    if (--n == 0) {
      return;
    }
  }
  if (strcmp(tok[0], "func") == 0) {
    if (a->cur >= 0) {
      asm_fail(a, a->line, "`func` inside function %s (missing `end`?)",
               a->vm->funcs[a->cur].name);
    }
    directive_func(a, tok, n);
  } else if (strcmp(tok[0], "global") == 0) {
    if (a->cur >= 0) {
      asm_fail(a, a->line, "`global` inside a function");
    }
    directive_global(a, tok, n);
  } else if (strcmp(tok[0], "end") == 0) {
    if (a->cur < 0 || n != 1) {
      asm_fail(a, a->line, "`end` without `func`");
    }
    directive_end(a);
  } else if (a->cur < 0) {
    asm_fail(a, a->line, "`%s` outside a function", tok[0]);
  } else {
    instruction(a, tok, n, str);
    str = NULL;
  }
  free(str);
}

/* Stack-depth verification of one function (see the file comment). */
static void verify(Asm* a, uint32_t fi) {
  Func* f = &a->vm->funcs[fi];
  int32_t* depth = xrealloc(NULL, f->len * sizeof *depth);
  bool* start = xrealloc(NULL, f->len * sizeof *start);
  uint32_t* work = xrealloc(NULL, f->len * sizeof *work);
  uint32_t nwork = 0, max = 0;

  for (uint32_t pc = 0; pc < f->len; pc++) {
    depth[pc] = -1;
    start[pc] = false;
  }
  for (uint32_t pc = H_SIZE; pc < f->len; pc += 1 + operand_words(op_info[f->code[pc]].kind)) {
    start[pc] = true;
  }
  if (f->len == H_SIZE) {
    asm_fail(a, f->lines[0], "function %s is empty", f->name);
  }
  depth[H_SIZE] = 0;
  work[nwork++] = H_SIZE;
  while (nwork) {
    uint32_t pc = work[--nwork];
    uint32_t op = (uint32_t)f->code[pc];
    const OpInfo* info = &op_info[op];
    uint32_t pops = op == OP_CALL ? (uint32_t)f->code[pc + 2] : info->pops;
    int32_t d = depth[pc];
    uint32_t succ[2], nsucc = 0;
    if ((uint32_t)d < pops) {
      asm_fail(a, f->lines[pc], "stack underflow: `%s` needs %" PRIu32 " value(s), the stack has %d",
               info->name, pops, d);
    }
    int32_t nd = d - (int32_t)pops + info->pushes;
    if ((uint32_t)nd > max) {
      max = (uint32_t)nd;
    }
    if (op != OP_JMP && op != OP_RET) {
      succ[nsucc++] = pc + 1 + operand_words(info->kind);
    }
    if (op == OP_JMP || op == OP_JZ || op == OP_JNZ) {
      succ[nsucc++] = (uint32_t)f->code[pc + 1];
    }
    for (uint32_t s = 0; s < nsucc; s++) {
      uint32_t t = succ[s];
      if (t >= f->len || !start[t]) {
        asm_fail(a, f->lines[pc], "control reaches the end of function %s (missing `ret`?)",
                 f->name);
      }
      if (depth[t] < 0) {
        depth[t] = nd;
        work[nwork++] = t;
      } else if (depth[t] != nd) {
        asm_fail(a, f->lines[t],
                 "stack depth %d here but %d on the edge from line %" PRIu32
                 " (every path must reach an instruction with the same depth)",
                 depth[t], nd, f->lines[pc]);
      }
    }
  }
  f->frame = f->nlocals + max;
  if (f->frame > STACKVM_MAX_FRAME) {
    asm_fail(a, f->lines[0], "function %s needs a frame of %" PRIu32 " slots (max %d)", f->name,
             f->frame, STACKVM_MAX_FRAME);
  }
  f->code[H_FRAME] = f->frame;
  free(depth);
  free(start);
  free(work);
}

static char* read_file(const char* path, size_t* size) {
  FILE* fp = fopen(path, "rb");
  size_t cap = 4096, n = 0;
  char* buf;
  if (!fp) {
    fprintf(stderr, "stackvm: cannot open %s: %s\n", path, strerror(errno));
    exit(1);
  }
  buf = xrealloc(NULL, cap);
  for (;;) {
    n += fread(buf + n, 1, cap - n - 1, fp);
    if (n < cap - 1) {
      break;
    }
    cap *= 2;
    buf = xrealloc(buf, cap);
  }
  if (ferror(fp)) {
    fprintf(stderr, "stackvm: cannot read %s\n", path);
    exit(1);
  }
  fclose(fp);
  buf[n] = '\0';
  *size = n;
  return buf;
}

void stackvm_load(VM* vm, const char* path) {
  Asm a;
  size_t size;
  char* text = read_file(path, &size);
  char* line = text;
  memset(&a, 0, sizeof a);
  a.vm = vm;
  a.path = path;
  a.cur = -1;
  vm->path = path;

  while (line < text + size) {
    char* nl = strchr(line, '\n');
    if (nl) {
      *nl = '\0';
    }
    a.line++;
    if (strlen(line) != (size_t)((nl ? nl : text + size) - line)) {
      asm_fail(&a, a.line, "NUL byte in the source");
    }
    assemble_line(&a, line);
    line = nl ? nl + 1 : text + size;
  }
  if (a.cur >= 0) {
    asm_fail(&a, a.line, "missing `end` of function %s", vm->funcs[a.cur].name);
  }
  free(text);

  for (uint32_t c = 0; c < a.ncalls; c++) {
    Ref* r = &a.calls[c];
    int callee = find_func(vm, r->name);
    if (callee < 0) {
      asm_fail(&a, r->line, "call to unknown function `%s`", r->name);
    }
    vm->funcs[r->func].code[r->at] = (uint64_t)callee;
    vm->funcs[r->func].code[r->at + 1] = vm->funcs[callee].nparams;
    /* funcs is final here: every function has been read. */
    vm->funcs[r->func].code[r->at + 2] = (uint64_t)(uintptr_t)&vm->funcs[callee];
    free(r->name);
  }
  for (uint32_t fi = 0; fi < vm->nfuncs; fi++) {
    verify(&a, fi);
  }
  int m = find_func(vm, "main");
  if (m < 0 || vm->funcs[m].nparams != 0) {
    asm_fail(&a, a.line, "the program needs a `func main 0 NLOCALS`");
  }
  vm->main_func = (uint32_t)m;
  free(a.labels);
  free(a.jumps);
  free(a.calls);
  vm->loaded = true;
}
