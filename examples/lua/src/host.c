/*
 * host.c -- the Lua command of the pweval guest, standing in for lua.c
 * (which the lua-src crate does not ship): `lua5.4 MAIN.lua ARGS` with
 * MAIN.lua and its modules compiled at snapshot time.
 *
 * Snapshot (PWEVAL_INIT, run by `pweval -w` with the staged scripts folder
 * preopened as "/"): create the state, open the standard libraries, compile
 * the main script and every module listed in /pweval-index.txt (without
 * running them), and file one pweval request per function prototype. A
 * syntax error fails the snapshot with Lua's own message.
 *
 * Run (main): like lua.c's handle_script: `arg` and `...` as for
 * `lua5.4 MAIN.lua ARGS`, the main chunk called under a message handler
 * that adds a traceback, errors reported as "lua5.4: MSG" with status 1.
 * `require` finds the precompiled modules first (package.searchers[2]).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "weval.h"

/* The name native Lua reports errors under (lua.c's progname). */
#define PROGNAME "lua5.4"
#define INDEX_FILE "/pweval-index.txt"
#define MODULES_KEY "pweval.modules"
#define MAIN_KEY "pweval.main"
#define MAX_NAME 256

int pweval_lua_request(lua_State *L, uint32_t *next_id);
extern uint32_t pweval_spec_invocations;

/* How many Lua calls ran in a specialized body (tests/all/lua.rs). */
PWEVAL_EXPORT("lua_spec_invocations") uint32_t lua_spec_invocations(void);
uint32_t lua_spec_invocations(void) { return pweval_spec_invocations; }

static lua_State *snapshot_state;
static char main_name[MAX_NAME];
static uint32_t requests_filed;

static void fail(const char *msg) {
  fprintf(stderr, "%s: %s\n", PROGNAME, msg);
  fflush(stderr);
  exit(EXIT_FAILURE);
}

/* Compile file /NAME as chunk "@NAME" (so messages read "NAME:LINE:" as
 * with `lua5.4 NAME`), skipping a first line that starts with '#' as
 * luaL_loadfile does (its newline stays, so line numbers do not move). */
static void compile(lua_State *L, const char *name) {
  char path[MAX_NAME + 2];
  snprintf(path, sizeof path, "/%s", name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    lua_pushfstring(L, "cannot open %s", name);
    fail(lua_tostring(L, -1));
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) luaL_addlstring(&b, chunk, n);
  fclose(f);
  luaL_pushresult(&b);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { text += 3; len -= 3; }
  if (len > 0 && text[0] == '#') {
    while (len > 0 && text[0] != '\n') { text++; len--; }
  }
  char chunkname[MAX_NAME + 2];
  snprintf(chunkname, sizeof chunkname, "@%s", name);
  if (luaL_loadbufferx(L, text, len, chunkname, "t") != LUA_OK) fail(lua_tostring(L, -1));
  lua_remove(L, -2); /* the source text */
  if (pweval_lua_request(L, &requests_filed) < 0) fail("out of memory filing pweval requests");
}

/* package.searchers[2]: a module compiled into the snapshot, with the file
 * name native Lua's searcher would report ("./NAME.lua"). */
static int precompiled_searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, MODULES_KEY);
  if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
    lua_pushfstring(L, "no file './%s.lua' (not compiled into the snapshot)", name);
    return 1;
  }
  lua_pushfstring(L, "./%s.lua", name);
  return 2;
}

#define PRESIZED_STACK 4000

void pweval_clock_start(void);

static void init(void) {
  lua_State *L = luaL_newstate();
  if (L == NULL) fail("cannot create state: not enough memory");
  luaL_openlibs(L);
  /* A specialized body hands its frame back to the generic interpreter
   * when the Lua stack moves under it (pweval_lua.h, PWEVAL_HANDOFF), for
   * the rest of that call. Starting with room for PRESIZED_STACK slots
   * (64 KiB) makes moves rare: without it, a recursive program (the
   * suite's quicksort) grows the stack in its first descent and runs its
   * outermost frames generically from then on. Nothing a script can
   * observe changes; Lua's limits stay its own. */
  if (!lua_checkstack(L, PRESIZED_STACK)) fail("cannot grow the stack: not enough memory");
  FILE *index = fopen(INDEX_FILE, "r");
  if (index == NULL) fail("cannot open " INDEX_FILE " (run through examples/lua/build.sh)");
  char line[MAX_NAME];
  int first = 1;
  lua_newtable(L); /* modules */
  while (fgets(line, sizeof line, index) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '\0') continue;
    compile(L, line);
    if (first) {
      snprintf(main_name, sizeof main_name, "%s", line);
      lua_setfield(L, LUA_REGISTRYINDEX, MAIN_KEY);
      first = 0;
    } else {
      size_t len = strlen(line);
      if (len > 4 && strcmp(line + len - 4, ".lua") == 0) line[len - 4] = '\0';
      lua_setfield(L, -2, line);
    }
  }
  fclose(index);
  if (first) fail(INDEX_FILE " names no main script");
  lua_setfield(L, LUA_REGISTRYINDEX, MODULES_KEY);
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "searchers");
  lua_pushcfunction(L, precompiled_searcher);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
  snapshot_state = L;
}
PWEVAL_INIT(init);
WEVAL_DEFINE_GLOBALS();

/* lua.c's message handler: a traceback after the message. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static int report(lua_State *L, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "%s: %s\n", PROGNAME, msg != NULL ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
  }
  return status;
}

/* lua.c's pmain for `lua5.4 MAIN.lua ARGS`. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = (char **)lua_touserdata(L, 2);
  luaL_checkversion(L);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  /* arg[-1] = interpreter, arg[0] = script, arg[1..] = ARGS */
  lua_createtable(L, argc > 1 ? argc - 1 : 0, 2);
  lua_pushstring(L, PROGNAME);
  lua_rawseti(L, -2, -1);
  lua_pushstring(L, main_name);
  lua_rawseti(L, -2, 0);
  for (int i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i);
  }
  lua_setglobal(L, "arg");
  lua_getfield(L, LUA_REGISTRYINDEX, MAIN_KEY);
  for (int i = 1; i < argc; i++) lua_pushstring(L, argv[i]);
  int base = lua_gettop(L) - (argc > 1 ? argc - 1 : 0);
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  int status = lua_pcall(L, argc > 1 ? argc - 1 : 0, LUA_MULTRET, base);
  lua_remove(L, base);
  if (report(L, status) != LUA_OK) return 0;
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv) {
  pweval_clock_start(); /* os.clock() counts from here (wasi_stubs.c) */
  if (snapshot_state == NULL) init();
  lua_State *L = snapshot_state;
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 0);
  int result = lua_toboolean(L, -1);
  report(L, status);
  lua_close(L);
  return (result && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
