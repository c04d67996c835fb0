# vetted: build, test, install. Every library comes from pkg-config.
# `make deps` installs missing Debian packages (as root) or says how.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CFLAGS  ?= -O2 -g
LDFLAGS ?=
VERSION := 0.1.0

PKGS     := libcmark-gfm libgit2 lua5.4 yaml-0.1 zlib
DEB_PKGS := pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libgit2-dev \
            liblua5.4-dev libyaml-dev zlib1g-dev git python3
TEST_DEB := clang libclang-rt-14-dev valgrind lua5.4 python3-yaml strace

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# cmark-gfm's extensions library ships no .pc file of its own in Debian.
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -pthread

WARN      := -Wall -Wextra -std=c11 -D_GNU_SOURCE
ALL_CFLAGS = $(WARN) $(PKG_CFLAGS) -DVETTED_VERSION='"$(VERSION)"' \
             -DVETTED_DATADIR='"$(PREFIX)/share/vetted"' $(CFLAGS)

SRC  := $(filter-out generator/main.c,$(wildcard generator/*.c))
HDR  := $(wildcard generator/*.h generator/*.inc)
UNIT := $(wildcard tests/unit/test_*.c)

.SECONDARY:
.PHONY: all deps site test golden-update install clean fuzz valgrind bench

all: vetted

# ---- dependencies ---------------------------------------------------------
deps:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_DEB); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
	fi

# ---- the program ----------------------------------------------------------
build/%/.dir:
	@mkdir -p $(@D) && touch $@

OBJ_release := $(patsubst generator/%.c,build/release/%.o,$(SRC))
OBJ_asan    := $(patsubst generator/%.c,build/asan/%.o,$(SRC))

build/release/%.o: generator/%.c $(HDR) | build/release/.dir
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

build/asan/%.o: generator/%.c $(HDR) | build/asan/.dir
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -c $< -o $@

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -Werror

build/release/libvetted.a: $(OBJ_release)
	$(AR) rcs $@ $^
build/asan/libvetted.a: $(OBJ_asan)
	$(AR) rcs $@ $^

vetted: build/release/main.o build/release/libvetted.a
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

build/asan/vetted: build/asan/main.o build/asan/libvetted.a
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

# ---- the example site -----------------------------------------------------
site: deps
	@$(MAKE) --no-print-directory vetted
	./vetted build -o public
	@echo "$(CURDIR)/public/index.html"

# ---- tests ----------------------------------------------------------------
UNIT_release := $(patsubst tests/unit/%.c,build/release/%,$(UNIT))
UNIT_asan    := $(patsubst tests/unit/%.c,build/asan/%,$(UNIT))

build/release/test_%: tests/unit/test_%.c tests/unit/check.h tests/unit/gitrepo.h build/release/libvetted.a
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -Igenerator -o $@ $< build/release/libvetted.a $(PKG_LIBS) $(LDFLAGS)
build/asan/test_%: tests/unit/test_%.c tests/unit/check.h tests/unit/gitrepo.h build/asan/libvetted.a
	$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -Igenerator -o $@ $< build/asan/libvetted.a $(PKG_LIBS) $(LDFLAGS)

test: deps
	@$(MAKE) --no-print-directory EXTRA_DEB="$(TEST_DEB)" deps
	@$(MAKE) --no-print-directory EXTRA_CFLAGS=-Werror vetted $(UNIT_release) build/asan/vetted $(UNIT_asan)
	@$(MAKE) --no-print-directory $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))   # they must keep building
	@bash tests/run.sh

# Regenerates the expected output of the golden tests, for review with git diff.
golden-update: vetted
	@bash tests/golden/update.sh
	@UPDATE=1 VETTED=$(CURDIR)/vetted bash tests/cli/test_diff.sh >/dev/null

# ---- fuzzing (libFuzzer via clang) -----------------------------------------
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := frontmatter mustache json entry evaluate delta pack manifest trailrec
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
OBJ_fuzz     := $(patsubst generator/%.c,build/fuzz/%.o,$(SRC))

build/fuzz/%.o: generator/%.c $(HDR) | build/fuzz/.dir
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(OBJ_fuzz)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Igenerator -o $@ $< $(OBJ_fuzz) $(PKG_LIBS) $(LDFLAGS)

# Runs every fuzz target for FUZZ_SECONDS; new inputs stay in build/fuzz,
# seeds (and regression inputs) are in tests/fuzz/corpus/<target>/.
fuzz:
	@$(MAKE) --no-print-directory EXTRA_DEB="$(TEST_DEB)" deps
	@$(MAKE) --no-print-directory $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/work-$$t build/fuzz/crashes-$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
	  ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=build/fuzz/crashes-$$t/ -print_final_stats=1 \
	    build/fuzz/work-$$t tests/fuzz/corpus/$$t 2>&1 | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' ; \
	  if ls build/fuzz/crashes-$$t/* >/dev/null 2>&1; then echo "fuzz $$t: crash, see build/fuzz/crashes-$$t"; exit 1; fi; \
	done

# valgrind over the example site and the error corpus: no leaks, no invalid accesses.
valgrind: vetted
	@$(MAKE) --no-print-directory EXTRA_DEB="$(TEST_DEB)" deps
	@bash tests/valgrind.sh

# Benchmarks against Hugo and git on repositories of ../shared/bench/mkcorpus.py.
# BENCH_ARGS="--runs 3 --sizes 500x2000" for a quick look; --large adds 20k x 80k.
bench: vetted
	@$(MAKE) --no-print-directory EXTRA_DEB="hugo time" deps
	@python3 bench/bench.py $(BENCH_ARGS)

install: vetted
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vetted
	install -m 755 vetted $(DESTDIR)$(PREFIX)/bin/vetted
	cp -R scripts themes $(DESTDIR)$(PREFIX)/share/vetted/

clean:
	rm -rf build vetted public
