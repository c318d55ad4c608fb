# libverify — build, test, fuzz, install.
# Sources are discovered by directory, so adding a module never edits this file.

VERSION      := 0.1.0
SOVERSION    := 0
SHARED       ?= ../shared
BUILD        ?= build
PREFIX       ?= /usr/local
DESTDIR      ?=
# Multiarch and distribution layouts: LIBDIR=$(PREFIX)/lib/x86_64-linux-gnu and so on.
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
BINDIR       ?= $(PREFIX)/bin
DATADIR      ?= $(PREFIX)/share
# Helper programs the library starts (vfy-nfc-worker, in which libnfc runs).
LIBEXECDIR   ?= $(PREFIX)/libexec
MANDIR       ?= $(DATADIR)/man
CC           ?= gcc
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20

PKGS := openssl libsodium zlib jansson libnfc libpcsclite ldap sqlite3 libopenjp2 libpng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The local inspection service (vfy serve, service/) is a front end: its HTTP library
# is linked into the vfy program only, never into libverify.so or libverify.pc.
SERVICE_PKGS := libmicrohttpd
SERVICE_LIBS := $(shell pkg-config --libs $(SERVICE_PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null) $(shell pkg-config --libs libeac 2>/dev/null)
# Every allocation of the library's own code passes through tests/faults.c, which can fail
# any one of them (allocation-failure tests, tests/test_faults.c).
TEST_LIBS  += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=sodium_malloc

INCLUDES := -Iinclude -Ilibverify -Ilibverify-sim -Ihw -I$(BUILD)/gen
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIC
BASEFLAGS := -std=gnu11 -g $(WARN) $(INCLUDES) $(PKG_CFLAGS) -DVFY_BUILDING \
             -fvisibility=hidden -DVFY_SHARED_DIR='"$(abspath $(SHARED))"' \
             -DVFY_NFC_WORKER_PATH='"$(LIBEXECDIR)/libverify/vfy-nfc-worker"'
CFLAGS   ?= -O2
ALL_CFLAGS := $(BASEFLAGS) $(HARDEN) $(CFLAGS)
LDHARDEN := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRCS  := $(shell find libverify hw -name '*.c' -not -path '*/tools/*' | sort)
# The simulated chip and the specimen generator: libverify-sim, a library of its own that
# vfy, the tests, bench/ and examples/ link and libverify.so does not contain.
SIM_DIRS  := libverify-sim
SIM_SRCS  := $(shell find $(SIM_DIRS) -name '*.c' -not -path '*/tools/*' | sort)
# The layers below it of which the installed libverify-sim carries its own hidden copy
# (libverify exports none of their functions): docs/simulated-chip.md says why.
SIM_PRIVATE_DIRS := libverify/core libverify/crypto libverify/lds libverify/document
CLI_SRCS  := $(sort $(wildcard cli/*.c service/*.c))
TEST_SRCS := $(sort $(wildcard tests/*.c))
FUZZ_HARNESSES := $(filter-out %common.c,$(sort $(wildcard fuzz/*.c)))
FUZZ_COMMON    := $(wildcard fuzz/*common.c)
BENCH_SRCS := $(sort $(wildcard bench/*.c))
EXAMPLE_SRCS := $(sort $(wildcard examples/*.c))
# Data files compiled into the library (the built-in specimen passport and friends).
EMBED_FILES := $(shell find data/embed -type f 2>/dev/null | sort)

# The embedded specimen (with its chip's private keys) belongs to the simulator.
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
SIM_PRIVATE_OBJS := $(foreach d,$(SIM_PRIVATE_DIRS),$(filter $(BUILD)/obj/$(d)/%,$(LIB_OBJS)))
ASAN_OBJS := $(LIB_SRCS:%.c=$(BUILD)/asan/%.o)
ASAN_SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/gen/embedded.o
FUZZ_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o) $(SIM_SRCS:%.c=$(BUILD)/fuzzobj/%.o) \
             $(BUILD)/fuzzobj/gen/embedded.o

STATIC := $(BUILD)/lib/libverify.a
SHARED_LIB := $(BUILD)/lib/libverify.so.$(VERSION)
SIM_STATIC := $(BUILD)/lib/libverify-sim.a
SIM_SHARED := $(BUILD)/lib/libverify-sim.so.$(VERSION)
# The same release objects with their internal symbols global, for the programs that
# reach inside (bench/, the test rigs); never installed.
INTERNAL := $(BUILD)/obj/libverify-internal.a
SIM_INTERNAL := $(BUILD)/obj/libverify-sim-internal.a
VFY := $(BUILD)/bin/vfy
# What libverify-sim exports (mk/libverify-sim.map says the same for the shared library).
SIM_API := vfy_sim_* vfy_specimen_*
# libnfc runs in this helper program, started by the library with posix_spawn
# (hw/nfc/nfc_transport.h); the library finds it beside the running program first.
NFC_WORKER_SRC := hw/nfc/tools/nfc_worker.c
NFC_WORKER := $(BUILD)/bin/vfy-nfc-worker

.SECONDARY:
.PHONY: all deps demo test test-one coverage test-build fuzz fuzz-smoke bench examples install uninstall install-check clean FORCE
all: $(STATIC) $(SHARED_LIB) $(SIM_STATIC) $(SIM_SHARED) $(VFY) $(BUILD)/vfy.1 $(NFC_WORKER)

deps:
	@sh mk/deps.sh

# ---- generated: embedded data ------------------------------------------------
$(BUILD)/gen/embedded.c: mk/embed.sh $(EMBED_FILES)
	@mkdir -p $(dir $@)
	@sh mk/embed.sh data/embed > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@
$(BUILD)/asan/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC -O1 $(SAN) -c $< -o $@
$(BUILD)/fuzzobj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -Wno-unknown-warning-option -O1 -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

# ---- generated: the installed data folder, named by vfy's help and man page ----
# Rewritten only when DATADIR changes, so exactly then the CLI objects that include it
# (tracked by their .d files) and the man page are rebuilt.
$(BUILD)/gen/vfy_datadir.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define VFY_DATADIR "$(DATADIR)/libverify"' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(CLI_SRCS:%.c=$(BUILD)/obj/%.o) $(CLI_SRCS:%.c=$(BUILD)/asan/%.o) $(CLI_SRCS:%.c=$(BUILD)/cov/%.o): | $(BUILD)/gen/vfy_datadir.h
$(BUILD)/vfy.1: docs/vfy.1 $(BUILD)/gen/vfy_datadir.h
	sed 's|@DATADIR@|$(DATADIR)/libverify|g' docs/vfy.1 > $@

# ---- release library and CLI ------------------------------------------------
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The installed archive holds one object: the partial link of all of them, with every
# hidden (internal) symbol made local, so that only the exported API is global in its
# namespace and an integrator's own functions cannot collide with libverify's internals.
$(STATIC): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(LD) -r -o $(BUILD)/obj/libverify.o $^
	objcopy --localize-hidden $(BUILD)/obj/libverify.o
	rm -f $@ && ar rcs $@ $(BUILD)/obj/libverify.o

$(INTERNAL): $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) mk/libverify.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libverify.so.$(SOVERSION) -Wl,-z,relro,-z,now -Wl,-z,defs \
	  -Wl,--version-script=mk/libverify.map -o $@ $(filter %.o,$^) $(PKG_LIBS)
	ln -sf libverify.so.$(VERSION) $(BUILD)/lib/libverify.so.$(SOVERSION)
	ln -sf libverify.so.$(VERSION) $(BUILD)/lib/libverify.so

# libverify-sim: the simulator's objects, plus a private copy of the core/, crypto/, lds/, document/
# objects they call (pulled from an archive of SIM_PRIVATE_DIRS only, made local), and
# libverify's public API from libverify itself. The static archive: one partial link in
# which everything but SIM_API is local.
$(BUILD)/obj/libverify-sim-private.a: $(SIM_PRIVATE_OBJS) Makefile
	rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(SIM_STATIC): $(SIM_OBJS) $(BUILD)/obj/libverify-sim-private.a
	@mkdir -p $(dir $@)
	$(LD) -r -o $(BUILD)/obj/libverify-sim.o $^
	objcopy --localize-hidden $(BUILD)/obj/libverify-sim.o
	objcopy --wildcard $(SIM_API:%=--keep-global-symbol='%') $(BUILD)/obj/libverify-sim.o
	rm -f $@ && ar rcs $@ $(BUILD)/obj/libverify-sim.o

$(SIM_INTERNAL): $(SIM_OBJS)
	rm -f $@ && ar rcs $@ $^

# Linked against libverify.so (listed first, so that its exported API binds there and only
# hidden functions come from the private archive); -z defs: nothing left unresolved.
$(SIM_SHARED): $(SIM_OBJS) $(BUILD)/obj/libverify-sim-private.a $(SHARED_LIB) mk/libverify-sim.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libverify-sim.so.$(SOVERSION) -Wl,-z,relro,-z,now -Wl,-z,defs \
	  -Wl,--version-script=mk/libverify-sim.map -o $@ $(SIM_OBJS) -L$(BUILD)/lib -lverify \
	  $(BUILD)/obj/libverify-sim-private.a $(PKG_LIBS)
	ln -sf libverify-sim.so.$(VERSION) $(BUILD)/lib/libverify-sim.so.$(SOVERSION)
	ln -sf libverify-sim.so.$(VERSION) $(BUILD)/lib/libverify-sim.so

# vfy links the two installed archives as an integrator would: only their exported API.
$(VFY): $(CLI_SRCS:%.c=$(BUILD)/obj/%.o) $(SIM_STATIC) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDHARDEN) -o $@ $(filter %.o,$^) $(SIM_STATIC) $(STATIC) $(PKG_LIBS) $(SERVICE_LIBS)

$(NFC_WORKER): $(NFC_WORKER_SRC) hw/nfc/nfc_protocol.h hw/nfc/nfc_limits.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(shell pkg-config --libs libnfc)

# ---- tests: everything under ASan+UBSan --------------------------------------
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC -O1 $(SAN) -MMD -MP -c $< -o $@

# The tests reach internals of both libraries: plain archives, not the installed form.
$(BUILD)/asan/libverify.a: $(ASAN_OBJS)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/asan/libverify-sim.a: $(ASAN_SIM_OBJS)
	rm -f $@ && ar rcs $@ $^
ASAN_LIBS := $(BUILD)/asan/libverify-sim.a $(BUILD)/asan/libverify.a

$(BUILD)/asan/vfy: $(CLI_SRCS:%.c=$(BUILD)/asan/%.o) $(ASAN_LIBS)
	$(CC) $(SAN) -o $@ $(filter %.o,$^) $(ASAN_LIBS) $(PKG_LIBS) $(SERVICE_LIBS)

$(BUILD)/asan/run_tests: $(TEST_SRCS:%.c=$(BUILD)/asan/%.o) $(ASAN_LIBS)
	$(CC) $(SAN) -o $@ $(filter %.o,$^) $(ASAN_LIBS) $(PKG_LIBS) $(TEST_LIBS) -lpthread

# Beside run_tests and the ASan vfy, where the library looks first.
$(BUILD)/asan/vfy-nfc-worker: $(NFC_WORKER_SRC) hw/nfc/nfc_protocol.h hw/nfc/nfc_limits.h
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -O1 $(SAN) -o $@ $< $(shell pkg-config --libs libnfc)

# Test rigs (emulated readers the tests start): tests/rigs/NAME.c + tests/rigs/lib/*.c.
RIG_LIB_SRCS := $(sort $(wildcard tests/rigs/lib/*.c))
RIGS := $(patsubst tests/rigs/%.c,$(BUILD)/rigs/%,$(sort $(wildcard tests/rigs/*.c)))
$(BUILD)/rigs/%: tests/rigs/%.c $(RIG_LIB_SRCS) $(wildcard tests/rigs/lib/*.h) $(ASAN_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -Itests/rigs -O1 $(SAN) -o $@ $< $(RIG_LIB_SRCS) $(ASAN_LIBS) $(PKG_LIBS)

# bench/read_rigs starts the rig programs.
$(BUILD)/bench/read_rigs: | $(RIGS) $(NFC_WORKER)

test-build: $(BUILD)/asan/run_tests $(BUILD)/asan/vfy $(BUILD)/asan/vfy-nfc-worker $(VFY) $(NFC_WORKER) $(BUILD)/vfy.1 $(SHARED_LIB) $(SIM_SHARED) $(SIM_STATIC) $(RIGS)

test: deps
	@$(MAKE) --no-print-directory test-build
	@VFY_SHARED="$(abspath $(SHARED))" VFY_BIN="$(abspath $(BUILD)/asan/vfy)" VFY_ROOT="$(CURDIR)" VFY_BUILD="$(abspath $(BUILD))" \
	  VFY_RIGS="$(abspath $(BUILD)/rigs)" \
	  sh mk/run-tests.sh $(BUILD)/asan/run_tests

# One test file on its own, in seconds: make test-one T=test_inspection
TEST_SUPPORT_SRCS := $(filter-out tests/test_%.c,$(TEST_SRCS)) $(filter tests/test_%_support.c,$(TEST_SRCS))
$(BUILD)/asan/one/%: tests/%.c $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/asan/%.o) $(ASAN_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC -O1 $(SAN) -o $@ $< $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/asan/%.o) \
	  $(ASAN_LIBS) $(PKG_LIBS) $(TEST_LIBS) -lpthread

test-one:
	@test -n "$(T)" || { echo "make test-one T=test_NAME (a file of tests/)"; exit 2; }
	@$(MAKE) --no-print-directory $(BUILD)/asan/one/$(T) $(BUILD)/asan/vfy $(BUILD)/asan/vfy-nfc-worker $(BUILD)/vfy.1 $(RIGS) \
	  $(if $(filter test_build test_sim_library,$(T)),$(VFY) $(SHARED_LIB) $(SIM_SHARED) $(SIM_STATIC))
	@VFY_SHARED="$(abspath $(SHARED))" VFY_BIN="$(abspath $(BUILD)/asan/vfy)" VFY_ROOT="$(CURDIR)" VFY_BUILD="$(abspath $(BUILD))" \
	  VFY_RIGS="$(abspath $(BUILD)/rigs)" VFY_NFC_WORKER="$(abspath $(BUILD)/asan/vfy-nfc-worker)" \
	  sh mk/run-tests.sh $(BUILD)/asan/one/$(T)

# ---- coverage: line and branch coverage per module (gcovr), outside the per-commit path
COV_OBJS := $(LIB_SRCS:%.c=$(BUILD)/cov/%.o) $(SIM_SRCS:%.c=$(BUILD)/cov/%.o) $(BUILD)/cov/gen/embedded.o
COVFLAGS := -O0 --coverage -fprofile-update=atomic
$(BUILD)/cov/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC $(COVFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/cov/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC -O0 -c $< -o $@
$(BUILD)/cov/libverify.a: $(COV_OBJS)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/cov/vfy: $(CLI_SRCS:%.c=$(BUILD)/cov/%.o) $(BUILD)/cov/libverify.a
	$(CC) --coverage -o $@ $(filter %.o,$^) $(BUILD)/cov/libverify.a $(PKG_LIBS) $(SERVICE_LIBS)
$(BUILD)/cov/run_tests: $(TEST_SRCS:%.c=$(BUILD)/cov/%.o) $(BUILD)/cov/libverify.a
	$(CC) --coverage -o $@ $(filter %.o,$^) $(BUILD)/cov/libverify.a $(PKG_LIBS) $(TEST_LIBS) -lpthread

# libnfc runs in its helper program; the coverage run needs one beside run_tests too.
$(BUILD)/cov/vfy-nfc-worker: $(NFC_WORKER_SRC) hw/nfc/nfc_protocol.h hw/nfc/nfc_limits.h
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) $(COVFLAGS) -o $@ $< $(shell pkg-config --libs libnfc)

coverage: deps
	@$(MAKE) --no-print-directory $(BUILD)/cov/run_tests $(BUILD)/cov/vfy $(BUILD)/cov/vfy-nfc-worker $(BUILD)/vfy.1 $(RIGS)
	@find $(BUILD)/cov -name '*.gcda' -delete
	@VFY_SHARED="$(abspath $(SHARED))" VFY_BIN="$(abspath $(BUILD)/cov/vfy)" VFY_ROOT="$(CURDIR)" VFY_BUILD="$(abspath $(BUILD))" \
	  VFY_RIGS="$(abspath $(BUILD)/rigs)" VFY_NFC_WORKER="$(abspath $(BUILD)/cov/vfy-nfc-worker)" $(BUILD)/cov/run_tests --jobs 2 --timeout 300 >$(BUILD)/cov/tests.log 2>&1; \
	  grep -E 'Synthesis' $(BUILD)/cov/tests.log
	@sh mk/coverage.sh $(BUILD)/cov

# ---- fuzzing ---------------------------------------------------------------
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -Wno-unknown-warning-option -O1 -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

# The service's request validation is not in the library: its harness adds it.
$(BUILD)/fuzz/serve_request: fuzz/serve_request.c $(BUILD)/fuzzobj/service/request.o $(FUZZ_OBJS) $(FUZZ_COMMON)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -Wno-unknown-warning-option -O1 -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(BUILD)/fuzzobj/service/request.o $(FUZZ_COMMON) $(FUZZ_OBJS) $(PKG_LIBS)

$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_OBJS) $(FUZZ_COMMON)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASEFLAGS) -Wno-unknown-warning-option -O1 -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(FUZZ_COMMON) $(FUZZ_OBJS) $(PKG_LIBS)

fuzz: $(FUZZ_HARNESSES:fuzz/%.c=$(BUILD)/fuzz/%)

fuzz-smoke: fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh mk/fuzz-smoke.sh $(BUILD)/fuzz $(FUZZ_HARNESSES:fuzz/%.c=%)

# ---- benchmarks and examples -----------------------------------------------
$(BUILD)/bench/%: bench/%.c $(SIM_INTERNAL) $(INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(SIM_INTERNAL) $(INTERNAL) $(PKG_LIBS) -lpthread

bench: $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
	@for b in $^; do echo "== $$b"; VFY_NFC_WORKER="$(abspath $(NFC_WORKER))" $$b || exit 1; done
	@echo "== bench/rules_batch.sh"; sh bench/rules_batch.sh $(BUILD)/bin/vfy
	@echo "== bench/serve.py"; python3 bench/serve.py --vfy $(BUILD)/bin/vfy --count 1000

# The examples are built as an integrator builds: the public headers only, without
# VFY_BUILDING, so the headers' nonnull and warn_unused_result promises are checked.
EXAMPLE_CFLAGS := -std=c11 -g $(WARN) -Iinclude $(HARDEN) $(CFLAGS)
$(BUILD)/examples/%: examples/%.c $(SIM_STATIC) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(EXAMPLE_CFLAGS) $(LDHARDEN) -o $@ $< $(SIM_STATIC) $(STATIC) $(PKG_LIBS) -lpthread

examples: $(EXAMPLE_SRCS:examples/%.c=$(BUILD)/examples/%)

# ---- demo ------------------------------------------------------------------
demo: deps
	@$(MAKE) --no-print-directory all
	@sh mk/demo.sh $(VFY)

# ---- install ---------------------------------------------------------------
# Headers go under $(INCLUDEDIR)/libverify/ (<libverify/verify.h> cannot collide with
# gnulib's verify.h); the pkg-config file also adds that folder, so <verify.h> keeps
# working. Data (the specimen CSCA, the rule sets and their public keys, the JSON
# Schemas, the officer console of vfy serve) goes to $(DATADIR)/libverify, the folder vfy's
# help and man page name (build/gen/vfy_datadir.h, build/vfy.1). INSTALLED lists every
# file, for uninstall.
INSTALLED = $(LIBDIR)/libverify.a $(LIBDIR)/libverify.so.$(VERSION) \
  $(LIBDIR)/libverify.so.$(SOVERSION) $(LIBDIR)/libverify.so $(LIBDIR)/pkgconfig/libverify.pc \
  $(LIBDIR)/libverify-sim.a $(LIBDIR)/libverify-sim.so.$(VERSION) \
  $(LIBDIR)/libverify-sim.so.$(SOVERSION) $(LIBDIR)/libverify-sim.so $(LIBDIR)/pkgconfig/libverify-sim.pc \
  $(INCLUDEDIR)/libverify/verify.h \
  $(patsubst include/%,$(INCLUDEDIR)/libverify/%,$(wildcard include/verify/*.h)) \
  $(BINDIR)/vfy $(MANDIR)/man1/vfy.1 $(LIBEXECDIR)/libverify/vfy-nfc-worker \
  $(DATADIR)/libverify/specimen/csca.pem \
  $(patsubst data/rules/%,$(DATADIR)/libverify/rules/%,$(wildcard data/rules/*.json)) \
  $(patsubst data/rules/keys/%,$(DATADIR)/libverify/rules/keys/%,$(wildcard data/rules/keys/*.pub)) \
  $(patsubst docs/schema/%,$(DATADIR)/libverify/schema/%,$(wildcard docs/schema/*.json)) \
  $(patsubst data/console/%,$(DATADIR)/libverify/console/%,$(wildcard data/console/*))

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/libverify/verify \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/libverify/specimen \
	  $(DESTDIR)$(DATADIR)/libverify/rules/keys $(DESTDIR)$(DATADIR)/libverify/schema \
	  $(DESTDIR)$(LIBEXECDIR)/libverify $(DESTDIR)$(DATADIR)/libverify/console
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libverify.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libverify.so.$(SOVERSION)
	ln -sf libverify.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libverify.so
	install -m 644 $(SIM_STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SIM_SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf libverify-sim.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libverify-sim.so.$(SOVERSION)
	ln -sf libverify-sim.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libverify-sim.so
	install -m 644 include/verify.h $(DESTDIR)$(INCLUDEDIR)/libverify/
	install -m 644 include/verify/*.h $(DESTDIR)$(INCLUDEDIR)/libverify/verify/
	install -m 755 $(VFY) $(DESTDIR)$(BINDIR)/
	install -m 755 $(NFC_WORKER) $(DESTDIR)$(LIBEXECDIR)/libverify/
	install -m 644 $(BUILD)/vfy.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 data/specimen/csca.pem $(DESTDIR)$(DATADIR)/libverify/specimen/
	install -m 644 data/rules/*.json $(DESTDIR)$(DATADIR)/libverify/rules/
	install -m 644 data/rules/keys/*.pub $(DESTDIR)$(DATADIR)/libverify/rules/keys/
	install -m 644 docs/schema/*.json $(DESTDIR)$(DATADIR)/libverify/schema/
	install -m 644 data/console/* $(DESTDIR)$(DATADIR)/libverify/console/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(VERSION)|' -e 's|@PKGS@|$(filter-out ldap,$(PKGS))|' \
	  mk/libverify.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libverify.pc
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(VERSION)|' mk/libverify-sim.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libverify-sim.pc

# Removes exactly what install put there, then the folders it made if they are empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(sort $(INSTALLED)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/libverify/verify $(DESTDIR)$(INCLUDEDIR)/libverify \
	  $(DESTDIR)$(DATADIR)/libverify/rules/keys $(DESTDIR)$(DATADIR)/libverify/rules \
	  $(DESTDIR)$(DATADIR)/libverify/schema $(DESTDIR)$(DATADIR)/libverify/specimen \
	  $(DESTDIR)$(DATADIR)/libverify/console \
	  $(DESTDIR)$(DATADIR)/libverify $(DESTDIR)$(LIBEXECDIR)/libverify 2>/dev/null

install-check: all
	@sh mk/check-install.sh $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
