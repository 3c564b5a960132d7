/*
 * stackvm entry points.
 *
 * init (PWEVAL_INIT, run once by the snapshot step `pweval -w --dir H::G`):
 *   reads and assembles the program through WASI, then files one
 *   specialization request per bytecode function:
 *     stackvm_run_spec(code = constant memory (the function's header and
 *                             bytecode, copied into the request),
 *                      vm   = runtime,
 *                      fp   = runtime)
 *   with the result stored in that function's Func.specialized, which every
 *   CALL (and main's entry) consults first.
 * main: options, then runs `main` of the program. If no snapshot loaded the
 *   program (native and plain-Wasm builds, or a run without pre-init), main
 *   loads it itself and no request is filed.
 *
 * Usage: stackvm [--scale N] [--force-spec] [PROGRAM]
 *   PROGRAM defaults to $STACKVM_PROGRAM, else the compile-time
 *   STACKVM_PROGRAM ("program.asm"). A snapshot already holds its program, so
 *   PROGRAM must then be omitted or name the same file.
 *   --scale N (or $STACKVM_SCALE) sets the program's `scale` global at run
 *   time: the workload-size knob, which stays a runtime value for the
 *   specializer.
 *   --force-spec (or $STACKVM_FORCE_SPEC=1) runs every unspecialized function
 *   with the spec flavour, exercising the intrinsic path with its generic
 *   meaning.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "vm.h"
#include "weval.h"

#ifndef STACKVM_PROGRAM
#define STACKVM_PROGRAM "program.asm"
#endif

static VM vm;
/* Zero-initialized, so they cost nothing in the snapshot. */
static uint64_t vm_stack[STACKVM_STACK_WORDS];
static uint64_t vm_heap[STACKVM_HEAP_WORDS];

WEVAL_DEFINE_GLOBALS();

static const char* default_program(void) {
  const char* p = getenv("STACKVM_PROGRAM");
  return p && *p ? p : STACKVM_PROGRAM;
}

static void file_requests(void) {
  for (uint32_t i = 0; i < vm.nfuncs; i++) {
    Func* f = &vm.funcs[i];
    /* user_id = function index + 1: stable for a given program, and it names
     * the specialized copy ("stackvm_run_spec.pweval.<id>"). */
    weval_req_t* req =
        pweval_req_begin(PWEVAL_FUNC(stackvm_run_spec), i + 1, 0, (void*)&f->specialized);
    pweval_arg_memory(req, f->code, f->len * (uint32_t)sizeof(uint64_t));
    pweval_arg_runtime(req); /* vm */
    pweval_arg_runtime(req); /* fp */
    if (!pweval_req_submit(req)) {
      fprintf(stderr, "stackvm: out of memory filing the request for %s\n", f->name);
    }
  }
}

static void init(void) {
  stackvm_load(&vm, default_program());
  file_requests();
}
PWEVAL_INIT(init);

static void usage(void) {
  fputs("usage: stackvm [--scale N] [--force-spec] [PROGRAM.asm]\n", stderr);
  exit(2);
}

int main(int argc, char** argv) {
  const char* path = NULL;
  const char* scale_text = getenv("STACKVM_SCALE");
  const char* force = getenv("STACKVM_FORCE_SPEC");
  int64_t scale = 0;

  vm.force_spec = force && strcmp(force, "1") == 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--force-spec") == 0) {
      vm.force_spec = true;
    } else if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
      scale_text = argv[++i];
    } else if (strncmp(argv[i], "--scale=", 8) == 0) {
      scale_text = argv[i] + 8;
    } else if (argv[i][0] == '-' || path) {
      usage();
    } else {
      path = argv[i];
    }
  }

  if (!vm.loaded) {
    stackvm_load(&vm, path ? path : default_program());
  } else if (path && strcmp(path, vm.path) != 0) {
    fprintf(stderr, "stackvm: this snapshot holds %s; it cannot run %s\n", vm.path, path);
    return 2;
  }
  if (scale_text && *scale_text) {
    int g = stackvm_find_global(&vm, "scale");
    if (!stackvm_parse_int(scale_text, &scale)) {
      fprintf(stderr, "stackvm: bad scale `%s`\n", scale_text);
      return 2;
    }
    if (g < 0) {
      fprintf(stderr, "stackvm: %s has no `global scale` to set\n", vm.path);
      return 2;
    }
    vm.globals[g] = (uint64_t)scale;
  }

  vm.stack = vm_stack;
  vm.stack_end = vm_stack + STACKVM_STACK_WORDS;
  vm.heap = vm_heap;
  vm.heap_top = 1;
  vm.depth = 0;
  (void)stackvm_call(&vm, vm.main_func, vm.stack);
  return 0;
}
