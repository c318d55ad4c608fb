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
MANDIR       ?= $(DATADIR)/man
CC           ?= gcc
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20

PKGS := openssl libsodium zlib jansson libnfc libpcsclite ldap sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The local inspection service (vfy serve, service/) is a front end: its HTTP library
# is linked into the vfy program only, never into libverify.so or libverify.pc.
SERVICE_PKGS := libmicrohttpd
SERVICE_LIBS := $(shell pkg-config --libs $(SERVICE_PKGS) 2>/dev/null)
TEST_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null) $(shell pkg-config --libs libeac 2>/dev/null)

INCLUDES := -Iinclude -Ilibverify -Ilibverify-sim -Ihw -I$(BUILD)/gen
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes
HARDEN   := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIC
BASEFLAGS := -std=gnu11 -g $(WARN) $(INCLUDES) $(PKG_CFLAGS) -DVFY_BUILDING \
             -fvisibility=hidden -DVFY_SHARED_DIR='"$(abspath $(SHARED))"'
CFLAGS   ?= -O2
ALL_CFLAGS := $(BASEFLAGS) $(HARDEN) $(CFLAGS)
LDHARDEN := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRCS  := $(shell find libverify hw libverify-sim -name '*.c' -not -path '*/tools/*' | sort)
CLI_SRCS  := $(sort $(wildcard cli/*.c service/*.c))
TEST_SRCS := $(sort $(wildcard tests/*.c))
FUZZ_HARNESSES := $(filter-out %common.c,$(sort $(wildcard fuzz/*.c)))
FUZZ_COMMON    := $(wildcard fuzz/*common.c)
BENCH_SRCS := $(sort $(wildcard bench/*.c))
EXAMPLE_SRCS := $(sort $(wildcard examples/*.c))
# Data files compiled into the library (the built-in specimen passport and friends).
EMBED_FILES := $(shell find data/embed -type f 2>/dev/null | sort)

LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embedded.o
ASAN_OBJS := $(LIB_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/gen/embedded.o
FUZZ_OBJS := $(LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o) $(BUILD)/fuzzobj/gen/embedded.o

STATIC := $(BUILD)/lib/libverify.a
SHARED_LIB := $(BUILD)/lib/libverify.so.$(VERSION)
VFY := $(BUILD)/bin/vfy

.SECONDARY:
.PHONY: all deps demo test test-one coverage test-build fuzz fuzz-smoke bench examples install uninstall install-check clean FORCE
all: $(STATIC) $(SHARED_LIB) $(VFY) $(BUILD)/vfy.1

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

$(STATIC): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS) mk/libverify.map
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libverify.so.$(SOVERSION) -Wl,-z,relro,-z,now \
	  -Wl,--version-script=mk/libverify.map -o $@ $(filter %.o,$^) $(PKG_LIBS)
	ln -sf libverify.so.$(VERSION) $(BUILD)/lib/libverify.so.$(SOVERSION)
	ln -sf libverify.so.$(VERSION) $(BUILD)/lib/libverify.so

$(VFY): $(CLI_SRCS:%.c=$(BUILD)/obj/%.o) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDHARDEN) -o $@ $(filter %.o,$^) $(STATIC) $(PKG_LIBS) $(SERVICE_LIBS)

# ---- tests: everything under ASan+UBSan --------------------------------------
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC -O1 $(SAN) -MMD -MP -c $< -o $@

$(BUILD)/asan/libverify.a: $(ASAN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/asan/vfy: $(CLI_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/libverify.a
	$(CC) $(SAN) -o $@ $(filter %.o,$^) $(BUILD)/asan/libverify.a $(PKG_LIBS) $(SERVICE_LIBS)

$(BUILD)/asan/run_tests: $(TEST_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/libverify.a
	$(CC) $(SAN) -o $@ $(filter %.o,$^) $(BUILD)/asan/libverify.a $(PKG_LIBS) $(TEST_LIBS) -lpthread

# Test rigs (emulated readers the tests start): tests/rigs/NAME.c + tests/rigs/lib/*.c.
RIG_LIB_SRCS := $(sort $(wildcard tests/rigs/lib/*.c))
RIGS := $(patsubst tests/rigs/%.c,$(BUILD)/rigs/%,$(sort $(wildcard tests/rigs/*.c)))
$(BUILD)/rigs/%: tests/rigs/%.c $(RIG_LIB_SRCS) $(wildcard tests/rigs/lib/*.h) $(BUILD)/asan/libverify.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -Itests/rigs -O1 $(SAN) -o $@ $< $(RIG_LIB_SRCS) $(BUILD)/asan/libverify.a $(PKG_LIBS)

# bench/read_rigs starts the rig programs.
$(BUILD)/bench/read_rigs: | $(RIGS)

test-build: $(BUILD)/asan/run_tests $(BUILD)/asan/vfy $(VFY) $(BUILD)/vfy.1 $(SHARED_LIB) $(RIGS)

test: deps
	@$(MAKE) --no-print-directory test-build
	@VFY_SHARED="$(abspath $(SHARED))" VFY_BIN="$(abspath $(BUILD)/asan/vfy)" VFY_ROOT="$(CURDIR)" VFY_BUILD="$(abspath $(BUILD))" \
	  VFY_RIGS="$(abspath $(BUILD)/rigs)" \
	  sh mk/run-tests.sh $(BUILD)/asan/run_tests

# One test file on its own, in seconds: make test-one T=test_inspection
TEST_SUPPORT_SRCS := $(filter-out tests/test_%.c,$(TEST_SRCS)) $(filter tests/test_%_support.c,$(TEST_SRCS))
$(BUILD)/asan/one/%: tests/%.c $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/asan/%.o) $(BUILD)/asan/libverify.a
	@mkdir -p $(dir $@)
	$(CC) $(BASEFLAGS) -fPIC -O1 $(SAN) -o $@ $< $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/asan/%.o) \
	  $(BUILD)/asan/libverify.a $(PKG_LIBS) $(TEST_LIBS) -lpthread

test-one:
	@test -n "$(T)" || { echo "make test-one T=test_NAME (a file of tests/)"; exit 2; }
	@$(MAKE) --no-print-directory $(BUILD)/asan/one/$(T) $(BUILD)/asan/vfy $(BUILD)/vfy.1 $(RIGS)
	@VFY_SHARED="$(abspath $(SHARED))" VFY_BIN="$(abspath $(BUILD)/asan/vfy)" VFY_ROOT="$(CURDIR)" VFY_BUILD="$(abspath $(BUILD))" \
	  VFY_RIGS="$(abspath $(BUILD)/rigs)" \
	  sh mk/run-tests.sh $(BUILD)/asan/one/$(T)

# ---- coverage: line and branch coverage per module (gcovr), outside the per-commit path
COV_OBJS := $(LIB_SRCS:%.c=$(BUILD)/cov/%.o) $(BUILD)/cov/gen/embedded.o
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

coverage: deps
	@$(MAKE) --no-print-directory $(BUILD)/cov/run_tests $(BUILD)/cov/vfy $(BUILD)/vfy.1 $(RIGS)
	@find $(BUILD)/cov -name '*.gcda' -delete
	@VFY_SHARED="$(abspath $(SHARED))" VFY_BIN="$(abspath $(BUILD)/cov/vfy)" VFY_ROOT="$(CURDIR)" VFY_BUILD="$(abspath $(BUILD))" \
	  VFY_RIGS="$(abspath $(BUILD)/rigs)" $(BUILD)/cov/run_tests --jobs 2 --timeout 300 >$(BUILD)/cov/tests.log 2>&1; \
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
$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(STATIC) $(PKG_LIBS) -lpthread

bench: $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
	@for b in $^; do echo "== $$b"; $$b || exit 1; done
	@echo "== bench/rules_batch.sh"; sh bench/rules_batch.sh $(BUILD)/bin/vfy

$(BUILD)/examples/%: examples/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDHARDEN) -o $@ $< $(STATIC) $(PKG_LIBS)

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
  $(INCLUDEDIR)/libverify/verify.h \
  $(patsubst include/%,$(INCLUDEDIR)/libverify/%,$(wildcard include/verify/*.h)) \
  $(BINDIR)/vfy $(MANDIR)/man1/vfy.1 \
  $(DATADIR)/libverify/specimen/csca.pem \
  $(patsubst data/rules/%,$(DATADIR)/libverify/rules/%,$(wildcard data/rules/*.json)) \
  $(patsubst data/rules/keys/%,$(DATADIR)/libverify/rules/keys/%,$(wildcard data/rules/keys/*.pub)) \
  $(patsubst docs/schema/%,$(DATADIR)/libverify/schema/%,$(wildcard docs/schema/*.json)) \
  $(patsubst data/console/%,$(DATADIR)/libverify/console/%,$(wildcard data/console/*))

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/libverify/verify \
	  $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/libverify/specimen \
	  $(DESTDIR)$(DATADIR)/libverify/rules/keys $(DESTDIR)$(DATADIR)/libverify/schema \
	  $(DESTDIR)$(DATADIR)/libverify/console
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libverify.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libverify.so.$(SOVERSION)
	ln -sf libverify.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libverify.so
	install -m 644 include/verify.h $(DESTDIR)$(INCLUDEDIR)/libverify/
	install -m 644 include/verify/*.h $(DESTDIR)$(INCLUDEDIR)/libverify/verify/
	install -m 755 $(VFY) $(DESTDIR)$(BINDIR)/
	install -m 644 $(BUILD)/vfy.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 data/specimen/csca.pem $(DESTDIR)$(DATADIR)/libverify/specimen/
	install -m 644 data/rules/*.json $(DESTDIR)$(DATADIR)/libverify/rules/
	install -m 644 data/rules/keys/*.pub $(DESTDIR)$(DATADIR)/libverify/rules/keys/
	install -m 644 docs/schema/*.json $(DESTDIR)$(DATADIR)/libverify/schema/
	install -m 644 data/console/* $(DESTDIR)$(DATADIR)/libverify/console/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(VERSION)|' -e 's|@PKGS@|$(filter-out ldap,$(PKGS))|' \
	  mk/libverify.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libverify.pc

# Removes exactly what install put there, then the folders it made if they are empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(sort $(INSTALLED)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/libverify/verify $(DESTDIR)$(INCLUDEDIR)/libverify \
	  $(DESTDIR)$(DATADIR)/libverify/rules/keys $(DESTDIR)$(DATADIR)/libverify/rules \
	  $(DESTDIR)$(DATADIR)/libverify/schema $(DESTDIR)$(DATADIR)/libverify/specimen \
	  $(DESTDIR)$(DATADIR)/libverify/console $(DESTDIR)$(DATADIR)/libverify 2>/dev/null

install-check: all
	@sh mk/check-install.sh $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
