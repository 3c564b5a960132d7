/*
 * The stackvm interpreter: one always-inline body, two flavours.
 *
 *   stackvm_run_generic  plain memory accesses for the operand stack and the
 *                        locals, no intrinsics at all; what runs when pweval
 *                        did not (or could not) specialize a function.
 *   stackvm_run_spec     the same body with `spec` = true: every stack and
 *                        local access goes through weval's stack/local
 *                        intrinsics, and the dispatch loop announces its pc
 *                        with push/update/pop_context. The init function files
 *                        one request per bytecode function on this flavour.
 *                        The intrinsics' generic meanings are plain 8-byte
 *                        loads/stores at the slot's address, so this flavour
 *                        is also correct when run unspecialized (--force-spec).
 *
 * Frame layout (one VM stack, growing upward; fp is a runtime pointer):
 *   fp[0 .. nparams)        parameters, written by the caller (they are the
 *                           caller's topmost operand stack slots)
 *   fp[nparams .. nlocals)  other locals, zeroed on entry
 *   fp[nlocals .. frame)    operand stack; `sp` is the index of the next free
 *                           slot.
 * `sp` is an index, not a pointer, and starts at the header's nlocals: the
 * verifier guarantees the same stack depth at every pc however it is reached,
 * so in a specialized copy sp is a constant in every context and each slot's
 * address is fp plus a constant.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "vm.h"
#include "weval.h"

void stackvm_fail(const VM* vm, const uint64_t* code, uint32_t pc, const char* fmt, ...) {
  va_list ap;
  /* Flush first so the program's output precedes the error, as natively. */
  fflush(stdout);
  fputs("stackvm: error", stderr);
  if (code) {
    const Func* f = &vm->funcs[code[H_FUNC]];
    fprintf(stderr, " in function %s at pc %" PRIu32, f->name, pc);
    if (pc < f->len) {
      fprintf(stderr, " (%s:%" PRIu32 ")", vm->path, f->lines[pc]);
    }
  }
  fputs(": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

/*
 * Error and print paths of the interpreter, each behind a non-variadic,
 * noinline call: a variadic call inlined into the interpreter would give
 * every interpreter frame a vararg area on the shadow stack (176 bytes per
 * nested bytecode call with clang 14), and in Wasm that stack is only 64 KiB
 * by default. It also keeps the specialized code free of stack-pointer
 * traffic.
 */
#define COLD __attribute__((noinline, noreturn, cold))
static COLD void fail_msg(const VM* vm, const uint64_t* code, uint32_t pc, const char* msg) {
  stackvm_fail(vm, code, pc, "%s", msg);
}
static COLD void fail_depth(const VM* vm, uint32_t fidx) {
  stackvm_fail(vm, NULL, 0, "call depth exceeds %u (calling %s)", STACKVM_MAX_DEPTH,
               vm->funcs[fidx].name);
}
static COLD void fail_not_array(const VM* vm, const uint64_t* code, uint32_t pc, uint64_t h) {
  stackvm_fail(vm, code, pc, "%" PRId64 " is not an array", (int64_t)h);
}
static COLD void fail_index(const VM* vm, const uint64_t* code, uint32_t pc, uint64_t i,
                            uint64_t len) {
  stackvm_fail(vm, code, pc, "array index %" PRId64 " out of bounds (length %" PRIu64 ")",
               (int64_t)i, len);
}
static COLD void fail_alloc(const VM* vm, const uint64_t* code, uint32_t pc, uint64_t n) {
  stackvm_fail(vm, code, pc,
               "cannot allocate an array of %" PRId64 " elements (%" PRIu64 " heap words left)",
               (int64_t)n, STACKVM_HEAP_WORDS - vm->heap_top - 1);
}
static COLD void fail_f2i(const VM* vm, const uint64_t* code, uint32_t pc, double d) {
  stackvm_fail(vm, code, pc, "f2i: %g is out of the int64 range", d);
}
static COLD void fail_opcode(const VM* vm, const uint64_t* code, uint32_t pc) {
  stackvm_fail(vm, code, pc, "bad opcode %" PRIu64, code[pc]);
}
#undef COLD
static __attribute__((noinline)) void print_i64(int64_t v) { printf("%" PRId64, v); }
static __attribute__((noinline)) void print_f64(double v) { printf("%.6f", v); }

/*
 * The call path of every CALL instruction (and of main's entry): the
 * callee's specialized function when pweval made one, else the generic
 * interpreter (or the unspecialized spec flavour under --force-spec).
 * Always inlined, so a bytecode call is one Wasm call (call_indirect for a
 * specialized callee) and not two.
 */
static inline __attribute__((always_inline)) uint64_t call_func(VM* vm, const Func* f,
                                                                uint32_t fidx, uint64_t* fp) {
  uint64_t r;
  if (++vm->depth > STACKVM_MAX_DEPTH) {
    fail_depth(vm, fidx);
  }
  if (f->specialized) {
    r = f->specialized(f->code, vm, fp);
  } else if (vm->force_spec) {
    r = stackvm_run_spec(f->code, vm, fp);
  } else {
    r = stackvm_run_generic(f->code, vm, fp);
  }
  vm->depth--;
  return r;
}

uint64_t stackvm_call(VM* vm, uint32_t fidx, uint64_t* fp) {
  return call_func(vm, &vm->funcs[fidx], fidx, fp);
}

/* Array handles are heap word indices: heap[h] is the length, the elements
 * follow. Returns the element's address or stops the VM. Handles are plain
 * integers, so a forged one (e.g. a handle plus one) must not reach outside
 * the heap: its "length" is checked against the space left too. */
static inline __attribute__((always_inline)) uint64_t* array_slot(VM* vm, const uint64_t* code,
                                                                  uint32_t pc, uint64_t h,
                                                                  uint64_t i) {
  uint64_t len;
  if (h == 0 || h >= vm->heap_top || vm->heap[h] >= vm->heap_top - h) {
    fail_not_array(vm, code, pc, h);
  }
  len = vm->heap[h];
  if (i >= len) {
    fail_index(vm, code, pc, i, len);
  }
  return &vm->heap[h + 1 + i];
}

static uint64_t array_new(VM* vm, const uint64_t* code, uint32_t pc, uint64_t n) {
  uint64_t h = vm->heap_top;
  if ((int64_t)n < 0 || n >= STACKVM_HEAP_WORDS - h) {
    fail_alloc(vm, code, pc, n);
  }
  vm->heap[h] = n;
  memset(&vm->heap[h + 1], 0, n * sizeof(uint64_t));
  vm->heap_top = h + 1 + n;
  return h;
}

static int64_t int_div(VM* vm, const uint64_t* code, uint32_t pc, int64_t a, int64_t b, bool rem) {
  if (b == 0) {
    fail_msg(vm, code, pc, "integer division by zero");
  }
  /* INT64_MIN / -1 overflows (UB in C, a trap in Wasm): define it as the
   * wrapped result, like Java. */
  if (b == -1) {
    return rem ? 0 : (int64_t)(0 - (uint64_t)a);
  }
  return rem ? a % b : a / b;
}

static int64_t float_to_int(VM* vm, const uint64_t* code, uint32_t pc, double d) {
  /* Out-of-range conversion is UB in C and traps in Wasm: stop instead. */
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
    fail_f2i(vm, code, pc, d);
  }
  return (int64_t)d;
}

/*
 * The body. `spec` is a compile-time constant in each flavour, so each keeps
 * only its own kind of stack access.
 *
 * Shapes the specializer sees (all in the spec flavour):
 *   - pc: constant in each context; every handler ends with
 *     `pc += <instruction size>` or a jump, then update_context(pc) at the
 *     single loop tail. JZ/JNZ are written `pc += 2; if (cond) pc = target;`
 *     so clang produces a select (or a branch join) of two constants.
 *   - sp: a constant per context (see the frame layout above).
 *   - operands: code[pc + k], constant loads from the request's buffer.
 *   - local indices: constants from the code; stack indices: constants.
 */
static inline __attribute__((always_inline)) uint64_t interp(const uint64_t* code, VM* vm,
                                                             uint64_t* fp, bool spec) {
  const uint32_t nparams = (uint32_t)code[H_NPARAMS];
  const uint32_t nlocals = (uint32_t)code[H_NLOCALS];
  const uint32_t frame = (uint32_t)code[H_FRAME];
  uint32_t sp = nlocals;
  uint32_t pc = H_SIZE;

  /* One check per call covers every push of this frame (the verifier computed
   * the maximum depth into H_FRAME). */
  if ((uint64_t)(vm->stack_end - fp) < frame) {
    fail_msg(vm, code, pc, "VM stack overflow");
  }
  /* Plain stores, before any virtualized access: a specializer that tracks
   * locals finds these slots untracked and reads them from memory. */
  for (uint32_t i = nparams; i < nlocals; i++) {
    fp[i] = 0;
  }

#define PUSH(v)                             \
  do {                                      \
    uint64_t v_ = (v);                      \
    if (spec) {                             \
      weval_push_stack(&fp[sp], v_);        \
    } else {                                \
      fp[sp] = v_;                          \
    }                                       \
    sp++;                                   \
  } while (0)
#define POP() (sp--, spec ? weval_pop_stack(&fp[sp]) : fp[sp])
  /* Entry i below the top (0 = top). */
#define PEEK(i) (spec ? weval_read_stack(&fp[sp - 1 - (i)], (i)) : fp[sp - 1 - (i)])
#define POKE(i, v)                                      \
  do {                                                  \
    uint64_t v_ = (v);                                  \
    if (spec) {                                         \
      weval_write_stack(&fp[sp - 1 - (i)], (i), v_);    \
    } else {                                            \
      fp[sp - 1 - (i)] = v_;                            \
    }                                                   \
  } while (0)
#define GETL(i) (spec ? weval_read_local(&fp[i], (i)) : fp[i])
#define SETL(i, v)                       \
  do {                                   \
    uint64_t v_ = (v);                   \
    if (spec) {                          \
      weval_write_local(&fp[i], (i), v_); \
    } else {                             \
      fp[i] = v_;                        \
    }                                    \
  } while (0)
  /* Operand k (1-based) of the current instruction. */
#define ARG(k) (code[pc + (k)])
  /* Binary operators: pop b, replace a (the new top) by the result. */
#define IBIN(expr)                           \
  do {                                       \
    int64_t b = (int64_t)POP();              \
    int64_t a = (int64_t)PEEK(0);            \
    POKE(0, (uint64_t)(expr));               \
    pc += 1;                                 \
  } while (0)
#define UBIN(expr)                           \
  do {                                       \
    uint64_t b = POP();                      \
    uint64_t a = PEEK(0);                    \
    POKE(0, (expr));                         \
    pc += 1;                                 \
  } while (0)
#define FBIN(expr)                           \
  do {                                       \
    double b = slot_to_f64(POP());           \
    double a = slot_to_f64(PEEK(0));         \
    POKE(0, f64_to_slot(expr));              \
    pc += 1;                                 \
  } while (0)
#define FCMP(expr)                           \
  do {                                       \
    double b = slot_to_f64(POP());           \
    double a = slot_to_f64(PEEK(0));         \
    POKE(0, (uint64_t)(expr));               \
    pc += 1;                                 \
  } while (0)

  if (spec) {
    weval_push_context(pc);
  }
  for (;;) {
    switch (code[pc]) {
      case OP_NOP:
        pc += 1;
        break;
      case OP_PUSH:
      case OP_PUSHF: /* the assembler stored the double's bits */
        PUSH(ARG(1));
        pc += 2;
        break;
      case OP_POP:
        (void)POP();
        pc += 1;
        break;
      case OP_DUP: {
        uint64_t a = PEEK(0);
        PUSH(a);
        pc += 1;
        break;
      }
      case OP_SWAP: {
        uint64_t a = PEEK(0);
        uint64_t b = PEEK(1);
        POKE(0, b);
        POKE(1, a);
        pc += 1;
        break;
      }
      case OP_OVER: {
        uint64_t a = PEEK(1);
        PUSH(a);
        pc += 1;
        break;
      }
      case OP_LOAD: {
        uint32_t i = (uint32_t)ARG(1);
        PUSH(GETL(i));
        pc += 2;
        break;
      }
      case OP_STORE: {
        uint32_t i = (uint32_t)ARG(1);
        uint64_t v = POP();
        SETL(i, v);
        pc += 2;
        break;
      }
      case OP_TEE: {
        uint32_t i = (uint32_t)ARG(1);
        SETL(i, PEEK(0));
        pc += 2;
        break;
      }
      case OP_INC: {
        uint32_t i = (uint32_t)ARG(1);
        SETL(i, GETL(i) + ARG(2));
        pc += 3;
        break;
      }
      case OP_GLOAD:
        PUSH(vm->globals[ARG(1)]);
        pc += 2;
        break;
      case OP_GSTORE: {
        uint64_t v = POP();
        vm->globals[ARG(1)] = v;
        pc += 2;
        break;
      }
      /* Integer arithmetic wraps (done on uint64_t: no signed overflow UB). */
      case OP_IADD: UBIN(a + b); break;
      case OP_ISUB: UBIN(a - b); break;
      case OP_IMUL: UBIN(a * b); break;
      case OP_IDIV: IBIN(int_div(vm, code, pc, a, b, false)); break;
      case OP_IREM: IBIN(int_div(vm, code, pc, a, b, true)); break;
      case OP_INEG: {
        uint64_t a = PEEK(0);
        POKE(0, 0 - a);
        pc += 1;
        break;
      }
      case OP_IAND: UBIN(a & b); break;
      case OP_IOR: UBIN(a | b); break;
      case OP_IXOR: UBIN(a ^ b); break;
      case OP_ISHL: UBIN(a << (b & 63)); break;
      /* Arithmetic shift, spelled without relying on implementation-defined
       * right shifts of negative numbers. */
      case OP_ISHR: IBIN(a < 0 ? ~(~a >> (b & 63)) : a >> (b & 63)); break;
      case OP_ILT: IBIN(a < b); break;
      case OP_ILE: IBIN(a <= b); break;
      case OP_IGT: IBIN(a > b); break;
      case OP_IGE: IBIN(a >= b); break;
      case OP_IEQ: UBIN(a == b); break;
      case OP_INE: UBIN(a != b); break;
      case OP_NOT: {
        uint64_t a = PEEK(0);
        POKE(0, a == 0);
        pc += 1;
        break;
      }
      case OP_FADD: FBIN(a + b); break;
      case OP_FSUB: FBIN(a - b); break;
      case OP_FMUL: FBIN(a * b); break;
      case OP_FDIV: FBIN(a / b); break;
      case OP_FNEG: {
        double a = slot_to_f64(PEEK(0));
        POKE(0, f64_to_slot(-a));
        pc += 1;
        break;
      }
      case OP_FSQRT: {
        double a = slot_to_f64(PEEK(0));
        POKE(0, f64_to_slot(__builtin_sqrt(a)));
        pc += 1;
        break;
      }
      case OP_FLT: FCMP(a < b); break;
      case OP_FLE: FCMP(a <= b); break;
      case OP_FGT: FCMP(a > b); break;
      case OP_FGE: FCMP(a >= b); break;
      case OP_FEQ: FCMP(a == b); break;
      case OP_FNE: FCMP(a != b); break;
      case OP_I2F: {
        int64_t a = (int64_t)PEEK(0);
        POKE(0, f64_to_slot((double)a));
        pc += 1;
        break;
      }
      case OP_F2I: {
        double a = slot_to_f64(PEEK(0));
        POKE(0, (uint64_t)float_to_int(vm, code, pc, a));
        pc += 1;
        break;
      }
      case OP_JMP:
        pc = (uint32_t)ARG(1);
        break;
      case OP_JZ: {
        uint32_t target = (uint32_t)ARG(1);
        uint64_t v = POP();
        pc += 2;
        if (v == 0) pc = target;
        break;
      }
      case OP_JNZ: {
        uint32_t target = (uint32_t)ARG(1);
        uint64_t v = POP();
        pc += 2;
        if (v != 0) pc = target;
        break;
      }
      case OP_CALL: {
        uint32_t callee = (uint32_t)ARG(1);
        uint32_t nargs = (uint32_t)ARG(2);
        uint64_t r;
        /* The arguments become the callee's first locals in place, so they
         * (and everything below them) must be in memory now. */
        if (spec) {
          weval_sync_stack();
        }
        /* The callee's Func by the address the assembler stored in the
         * code, not by &vm->funcs[callee]: in a specialized copy the code
         * is constant, so the load of f->specialized is at a constant
         * address, the callee's request result slot. pweval then knows
         * which specialized function the call reaches and inlines it
         * (guarded by the loaded table index). */
        const Func* f = (const Func*)(uintptr_t)ARG(3);
        r = call_func(vm, f, callee, &fp[sp - nargs]);
        /* Drop the arguments. The spec flavour pops them one by one so that
         * the specializer's model of the stack stays in step with sp; a
         * switch on the constant nargs (not a loop) keeps every pop at a
         * constant index. The popped values are dead (the callee may have
         * overwritten the slots: they were its locals). */
        if (spec) {
          switch (nargs) {
            case 8: (void)POP(); __attribute__((fallthrough));
            case 7: (void)POP(); __attribute__((fallthrough));
            case 6: (void)POP(); __attribute__((fallthrough));
            case 5: (void)POP(); __attribute__((fallthrough));
            case 4: (void)POP(); __attribute__((fallthrough));
            case 3: (void)POP(); __attribute__((fallthrough));
            case 2: (void)POP(); __attribute__((fallthrough));
            case 1: (void)POP(); __attribute__((fallthrough));
            default: break;
          }
        } else {
          sp -= nargs;
        }
        PUSH(r);
        pc += 4;
        break;
      }
      case OP_RET: {
        uint64_t r = POP();
        if (spec) {
          weval_sync_stack();
          weval_pop_context();
        }
        return r;
      }
      case OP_NEWARR: {
        uint64_t n = PEEK(0);
        POKE(0, array_new(vm, code, pc, n));
        pc += 1;
        break;
      }
      case OP_ALOAD: {
        uint64_t i = POP();
        uint64_t h = PEEK(0);
        POKE(0, *array_slot(vm, code, pc, h, i));
        pc += 1;
        break;
      }
      case OP_ASTORE: {
        uint64_t v = POP();
        uint64_t i = POP();
        uint64_t h = POP();
        *array_slot(vm, code, pc, h, i) = v;
        pc += 1;
        break;
      }
      case OP_ALEN: {
        uint64_t h = PEEK(0);
        if (h == 0 || h >= vm->heap_top) {
          fail_not_array(vm, code, pc, h);
        }
        POKE(0, vm->heap[h]);
        pc += 1;
        break;
      }
      case OP_PRINTI:
        print_i64((int64_t)POP());
        pc += 1;
        break;
      case OP_PRINTF:
        print_f64(slot_to_f64(POP()));
        pc += 1;
        break;
      case OP_PRINTS:
        fputs(vm->strings[ARG(1)], stdout);
        pc += 2;
        break;
      case OP_PRINTNL:
        putchar('\n');
        pc += 1;
        break;
      default:
        /* The verifier rejects unknown opcodes; this guards corrupted code. */
        fail_opcode(vm, code, pc);
    }
    if (spec) {
      weval_update_context(pc);
    }
  }
#undef PUSH
#undef POP
#undef PEEK
#undef POKE
#undef GETL
#undef SETL
#undef ARG
#undef IBIN
#undef UBIN
#undef FBIN
#undef FCMP
}

/* noinline: the request names stackvm_run_spec, and the generic flavour must
 * stay a separate function free of intrinsics. */
__attribute__((noinline)) uint64_t stackvm_run_generic(const uint64_t* code, VM* vm,
                                                       uint64_t* fp) {
  return interp(code, vm, fp, false);
}
__attribute__((noinline)) uint64_t stackvm_run_spec(const uint64_t* code, VM* vm, uint64_t* fp) {
  return interp(code, vm, fp, true);
}
