/*
 * stackvm: a stack-based bytecode VM used as a realistic pweval guest.
 *
 * Shared definitions of the three translation units:
 *   asm.c     the text assembler and bytecode verifier (runs in the init
 *             function, so its output lives in the snapshot),
 *   interp.c  the interpreter, compiled into a generic and a specialized
 *             flavour from one always-inline body,
 *   main.c    init (PWEVAL_INIT: load the program, file one request per
 *             bytecode function) and main (options, run).
 *
 * Values are untagged 64-bit slots; the opcode says whether a slot holds an
 * int64 or the bits of a double (IADD vs FADD), as in Wasm or the JVM.
 */
#ifndef STACKVM_VM_H
#define STACKVM_VM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * Opcodes: X(enum name, mnemonic, operand kind, pops, pushes).
 * The operand kind says how the assembler parses the operands and how many
 * code words follow the opcode; pops/pushes feed the verifier (CALL's pops
 * come from the callee's parameter count instead).
 */
#define STACKVM_OPCODES(X)                 \
  X(NOP, "nop", K_NONE, 0, 0)              \
  X(PUSH, "push", K_INT, 0, 1)             \
  X(PUSHF, "pushf", K_FLOAT, 0, 1)         \
  X(POP, "pop", K_NONE, 1, 0)              \
  X(DUP, "dup", K_NONE, 1, 2)              \
  X(SWAP, "swap", K_NONE, 2, 2)            \
  X(OVER, "over", K_NONE, 2, 3)            \
  X(LOAD, "load", K_LOCAL, 0, 1)           \
  X(STORE, "store", K_LOCAL, 1, 0)         \
  X(TEE, "tee", K_LOCAL, 1, 1)             \
  X(INC, "inc", K_LOCAL_INT, 0, 0)         \
  X(GLOAD, "gload", K_GLOBAL, 0, 1)        \
  X(GSTORE, "gstore", K_GLOBAL, 1, 0)      \
  X(IADD, "iadd", K_NONE, 2, 1)            \
  X(ISUB, "isub", K_NONE, 2, 1)            \
  X(IMUL, "imul", K_NONE, 2, 1)            \
  X(IDIV, "idiv", K_NONE, 2, 1)            \
  X(IREM, "irem", K_NONE, 2, 1)            \
  X(INEG, "ineg", K_NONE, 1, 1)            \
  X(IAND, "iand", K_NONE, 2, 1)            \
  X(IOR, "ior", K_NONE, 2, 1)              \
  X(IXOR, "ixor", K_NONE, 2, 1)            \
  X(ISHL, "ishl", K_NONE, 2, 1)            \
  X(ISHR, "ishr", K_NONE, 2, 1)            \
  X(ILT, "ilt", K_NONE, 2, 1)              \
  X(ILE, "ile", K_NONE, 2, 1)              \
  X(IGT, "igt", K_NONE, 2, 1)              \
  X(IGE, "ige", K_NONE, 2, 1)              \
  X(IEQ, "ieq", K_NONE, 2, 1)              \
  X(INE, "ine", K_NONE, 2, 1)              \
  X(NOT, "not", K_NONE, 1, 1)              \
  X(FADD, "fadd", K_NONE, 2, 1)            \
  X(FSUB, "fsub", K_NONE, 2, 1)            \
  X(FMUL, "fmul", K_NONE, 2, 1)            \
  X(FDIV, "fdiv", K_NONE, 2, 1)            \
  X(FNEG, "fneg", K_NONE, 1, 1)            \
  X(FSQRT, "fsqrt", K_NONE, 1, 1)          \
  X(FLT, "flt", K_NONE, 2, 1)              \
  X(FLE, "fle", K_NONE, 2, 1)              \
  X(FGT, "fgt", K_NONE, 2, 1)              \
  X(FGE, "fge", K_NONE, 2, 1)              \
  X(FEQ, "feq", K_NONE, 2, 1)              \
  X(FNE, "fne", K_NONE, 2, 1)              \
  X(I2F, "i2f", K_NONE, 1, 1)              \
  X(F2I, "f2i", K_NONE, 1, 1)              \
  X(JMP, "jmp", K_LABEL, 0, 0)             \
  X(JZ, "jz", K_LABEL, 1, 0)               \
  X(JNZ, "jnz", K_LABEL, 1, 0)             \
  X(CALL, "call", K_FUNC, 0, 1)            \
  X(RET, "ret", K_NONE, 1, 0)              \
  X(NEWARR, "newarr", K_NONE, 1, 1)        \
  X(ALOAD, "aload", K_NONE, 2, 1)          \
  X(ASTORE, "astore", K_NONE, 3, 0)        \
  X(ALEN, "alen", K_NONE, 1, 1)            \
  X(PRINTI, "printi", K_NONE, 1, 0)        \
  X(PRINTF, "printf", K_NONE, 1, 0)        \
  X(PRINTS, "prints", K_STRING, 0, 0)      \
  X(PRINTNL, "printnl", K_NONE, 0, 0)

enum {
#define X(name, mnem, kind, pops, pushes) OP_##name,
  STACKVM_OPCODES(X)
#undef X
      OP_COUNT
};

/* Operand kinds; the comment gives the code words after the opcode. */
enum {
  K_NONE,      /* (none) */
  K_INT,       /* int64 immediate */
  K_FLOAT,     /* double immediate, as its bits */
  K_LOCAL,     /* local index (< the function's nlocals) */
  K_LOCAL_INT, /* local index, int64 immediate */
  K_GLOBAL,    /* global index */
  K_LABEL,     /* jump target: absolute pc in the same function's code */
  K_FUNC,      /* callee function index, its parameter count, its Func's address */
  K_STRING     /* string table index */
};

/*
 * A function's code is one array of 64-bit words: a header, then the
 * instructions. The header travels with the code so that everything the
 * interpreter needs about the function is in the constant buffer of its
 * specialization request (nothing is loaded from the function table).
 */
enum {
  H_FUNC,    /* the function's index (for error messages) */
  H_NPARAMS, /* parameters: locals 0 .. nparams-1, filled by the caller */
  H_NLOCALS, /* locals including parameters */
  H_FRAME,   /* frame size in slots: nlocals + maximum operand stack depth */
  H_SIZE     /* first instruction's pc */
};

/* Limits (checked by the assembler or at run time). */
#define STACKVM_MAX_ARGS 8 /* the CALL handler's pop switch has this many arms */
#define STACKVM_MAX_LOCALS 256
#define STACKVM_MAX_FRAME 4096
#define STACKVM_MAX_DEPTH 1000        /* nested bytecode calls */
#define STACKVM_STACK_WORDS (1u << 16) /* VM stack: frames of all active calls */
#define STACKVM_HEAP_WORDS (1u << 22)  /* array heap (32 MiB) */

typedef struct VM VM;

/* The interpreter's signature, shared by both flavours and by every
 * specialized function: (constant code, runtime VM state, runtime frame). */
typedef uint64_t (*vm_fn)(const uint64_t* code, VM* vm, uint64_t* fp);

typedef struct {
  char* name;
  uint64_t* code;  /* header + instructions */
  uint32_t len;    /* code words */
  uint32_t* lines; /* source line of each code word, for error messages */
  uint32_t nparams, nlocals, frame;
  /* Set by pweval in its output (a table index), else NULL. */
  vm_fn specialized;
} Func;

struct VM {
  Func* funcs;
  uint32_t nfuncs;
  uint32_t main_func;
  uint64_t* globals;
  char** global_names;
  uint32_t nglobals;
  char** strings;
  uint32_t nstrings;
  const char* path; /* the program's file name, for messages */
  bool loaded;
  /* Run-time state. */
  bool force_spec; /* run the specialized flavour even where nothing was specialized */
  uint32_t depth;
  uint64_t* stack;
  uint64_t* stack_end;
  uint64_t* heap;
  uint64_t heap_top; /* next free heap word; word 0 is never a valid array */
};

/* Bit casts between a slot and a double. */
static inline double slot_to_f64(uint64_t v) {
  double d;
  memcpy(&d, &v, sizeof d);
  return d;
}
static inline uint64_t f64_to_slot(double d) {
  uint64_t v;
  memcpy(&v, &d, sizeof v);
  return v;
}

/* asm.c: parse and verify the program at `path` into `vm`; exits with a
 * message naming the file and line on any error. */
void stackvm_load(VM* vm, const char* path);
/* asm.c: index of the global called `name`, or -1. */
int stackvm_find_global(const VM* vm, const char* name);
/* Parse a whole string as a decimal, hex (0x) or octal integer. */
bool stackvm_parse_int(const char* s, int64_t* out);

/* interp.c */
uint64_t stackvm_run_generic(const uint64_t* code, VM* vm, uint64_t* fp);
uint64_t stackvm_run_spec(const uint64_t* code, VM* vm, uint64_t* fp);
/* Run function `fidx` with its frame at `fp` (arguments already there). */
uint64_t stackvm_call(VM* vm, uint32_t fidx, uint64_t* fp);
/* Stop the VM: print "stackvm: error: ..." with the function, pc and source
 * line, flush stdout, exit(1). */
__attribute__((noreturn, format(printf, 4, 5))) void stackvm_fail(const VM* vm,
                                                                  const uint64_t* code,
                                                                  uint32_t pc, const char* fmt,
                                                                  ...);

#endif /* STACKVM_VM_H */
