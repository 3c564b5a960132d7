/*
 * Shape: one handler per opcode called through a function table,
 * `handlers[GET_OPCODE(i)](&vm, i)`. The VM state (pc, registers, the
 * prototype) is a struct the handlers update through a pointer. The handlers
 * are in this module; the request names the loop, `execute`.
 */
#include "reg.h"

typedef struct vm {
  const proto_t* p;
  uint32_t pc;
  bool running;
  uint64_t regs[REG_NUM_REGS];
} vm_t;

typedef void (*handler_t)(vm_t* vm, uint32_t i);

static void op_move(vm_t* vm, uint32_t i) { vm->regs[GETARG_A(i)] = vm->regs[GETARG_B(i)]; }
static void op_loadk(vm_t* vm, uint32_t i) { vm->regs[GETARG_A(i)] = vm->p->k[GETARG_Bx(i)]; }
static void op_add(vm_t* vm, uint32_t i) {
  vm->regs[GETARG_A(i)] = vm->regs[GETARG_B(i)] + vm->regs[GETARG_C(i)];
}
static void op_sub(vm_t* vm, uint32_t i) {
  vm->regs[GETARG_A(i)] = vm->regs[GETARG_B(i)] - vm->regs[GETARG_C(i)];
}
static void op_mul(vm_t* vm, uint32_t i) {
  vm->regs[GETARG_A(i)] = vm->regs[GETARG_B(i)] * vm->regs[GETARG_C(i)];
}
static void op_band(vm_t* vm, uint32_t i) {
  vm->regs[GETARG_A(i)] = vm->regs[GETARG_B(i)] & vm->regs[GETARG_C(i)];
}
static void op_jmp(vm_t* vm, uint32_t i) { vm->pc += GETARG_sBx(i); }
static void op_test(vm_t* vm, uint32_t i) {
  if ((vm->regs[GETARG_A(i)] != 0) != GETARG_C(i)) vm->pc++;
}
static void op_forprep(vm_t* vm, uint32_t i) {
  uint64_t* ra = &vm->regs[GETARG_A(i)];
  ra[0] -= ra[2];
  vm->pc += GETARG_sBx(i);
}
static void op_forloop(vm_t* vm, uint32_t i) {
  uint64_t* ra = &vm->regs[GETARG_A(i)];
  int64_t idx = (int64_t)(ra[0] + ra[2]);
  ra[0] = (uint64_t)idx;
  if (idx <= (int64_t)ra[1]) {
    vm->pc += GETARG_sBx(i);
    ra[3] = (uint64_t)idx;
  }
}
static void op_print(vm_t* vm, uint32_t i) {
  printf("%" PRId64 "\n", (int64_t)vm->regs[GETARG_A(i)]);
}
static void op_return(vm_t* vm, uint32_t i) {
  (void)i;
  vm->running = false;
}

static const handler_t handlers[] = {
    [OP_MOVE] = op_move,       [OP_LOADK] = op_loadk,     [OP_ADD] = op_add,
    [OP_SUB] = op_sub,         [OP_MUL] = op_mul,         [OP_BAND] = op_band,
    [OP_JMP] = op_jmp,         [OP_TEST] = op_test,       [OP_SIGN] = op_return,
    [OP_FORPREP] = op_forprep, [OP_FORLOOP] = op_forloop, [OP_PRINT] = op_print,
    [OP_RETURN] = op_return,
};

static void execute(const proto_t* p, uint64_t input) {
  vm_t vm = {.p = p, .running = true};
  vm.regs[0] = input;
  weval_push_context(vm.pc);
  while (vm.running) {
    uint32_t i = p->code[vm.pc++];
    handlers[GET_OPCODE(i)](&vm, i);
    weval_update_context(vm.pc);
  }
  weval_pop_context();
}

REG_GUEST(execute, execute);
