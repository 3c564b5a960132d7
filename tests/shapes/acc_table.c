/*
 * Shape: one handler function per opcode, called through a table
 * (`handlers[op](&vm)`). The VM state, pc included, is a struct the handlers
 * update through a pointer. The handlers are in this module; the request
 * names the interpreter loop, `interpret`.
 */
#include "acc.h"

typedef struct vm {
  const uint64_t* code;
  uint32_t pc;
  bool halted;
  uint64_t acc;
  uint64_t locals[ACC_NUM_LOCALS];
} vm_t;

typedef void (*handler_t)(vm_t* vm);

static void op_load_immediate(vm_t* vm) {
  vm->acc = vm->code[vm->pc + 1];
  vm->pc += 2;
}
static void op_store_local(vm_t* vm) {
  vm->locals[vm->code[vm->pc + 1]] = vm->acc;
  vm->pc += 2;
}
static void op_load_local(vm_t* vm) {
  vm->acc = vm->locals[vm->code[vm->pc + 1]];
  vm->pc += 2;
}
static void op_print(vm_t* vm) {
  fputs(acc_strings[vm->code[vm->pc + 1]], stdout);
  vm->pc += 2;
}
static void op_printi(vm_t* vm) {
  printf("%" PRIu64 "\n", vm->acc);
  vm->pc += 1;
}
static void op_jmpnz(vm_t* vm) {
  if (vm->acc != 0) {
    vm->pc = (uint32_t)vm->code[vm->pc + 1];
  } else {
    vm->pc += 2;
  }
}
static void op_inc(vm_t* vm) {
  vm->acc++;
  vm->pc += 1;
}
static void op_dec(vm_t* vm) {
  vm->acc--;
  vm->pc += 1;
}
static void op_add(vm_t* vm) {
  vm->acc = vm->locals[vm->code[vm->pc + 1]] + vm->locals[vm->code[vm->pc + 2]];
  vm->pc += 3;
}
static void op_halt(vm_t* vm) { vm->halted = true; }

static const handler_t handlers[] = {
    [LOAD_IMMEDIATE] = op_load_immediate,
    [STORE_LOCAL] = op_store_local,
    [LOAD_LOCAL] = op_load_local,
    [PRINT] = op_print,
    [PRINTI] = op_printi,
    [JMPNZ] = op_jmpnz,
    [INC] = op_inc,
    [DEC] = op_dec,
    [ADD] = op_add,
    [HALT] = op_halt,
    [JMP3] = op_halt,
};

static void interpret(const uint64_t* code, uint32_t len, uint64_t input) {
  vm_t vm = {.code = code, .acc = input};
  weval_push_context(vm.pc);
  while (!vm.halted && vm.pc < len) {
    handlers[code[vm.pc]](&vm);
    weval_update_context(vm.pc);
  }
  weval_pop_context();
}

ACC_GUEST(interpret, interpret);
