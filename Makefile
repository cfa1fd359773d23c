# hlsq: the two commands that matter are `make demo` and `make test`.
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.install-stamp

.PHONY: all install build demo test test-random test-vendor bench typecheck clean tools

all: build

$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP)

build: install
	npm run --silent build

typecheck: install
	npx tsc -p tsconfig.json

demo: build
	bash examples/demo.sh

test: build tools
	npx tsc -p tsconfig.json
	@mkdir -p build
	@status=0; npx vitest run --reporter=default --reporter=json --outputFile.json=build/vitest.json || status=$$?; \
	  node test/support/printSummary.mjs build/vitest.json; exit $$status

# The same suite with fresh property-test seeds instead of the fixed one `make test` uses (see
# test/support/propertySeed.ts). A counterexample prints its seed; replay it with HLSQ_FC_SEED=<seed>.
test-random: build tools
	HLSQ_FC_SEED=random npx vitest run

# Optional tools the tests use when present: iverilog checks the generated Verilog testbench, tclsh the
# Vitis Tcl scripts. Installed from Debian's packages where we can (CI runs as root); skipped otherwise.
tools:
	@command -v iverilog >/dev/null && command -v tclsh >/dev/null || \
	  { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	    (apt-get update -qq && apt-get install -y -qq iverilog tcl >/dev/null) ; } || \
	  echo "note: iverilog/tclsh not installed; the Verilog and Tcl checks will be skipped"


# Runs the differential suite against the vendor's headers, e.g.
#   make test-vendor AP_INCLUDE=/tools/Xilinx/Vitis_HLS/2024.1/include
test-vendor: build
	@if [ -z "$(AP_INCLUDE)" ]; then echo "make test-vendor: set AP_INCLUDE=<dir with the vendor's ap_int.h>"; exit 2; fi
	AP_INCLUDE="$(AP_INCLUDE)" npx vitest run test/cpp

# `make bench BENCH=model` runs only the suites whose file name contains "model" (results.json untouched).
bench: build
	npx tsc -p tsconfig.bench.json
	@# numpy asks the kernel for huge pages itself; let Node's malloc do the same so first-touch page
	@# faults of fresh 80 MB arrays do not dominate the comparison. Huge pages need unfragmented memory:
	@# after hours of uptime the new-array rows fell by a third until memory was compacted, so compact it
	@# first where we may (root); elsewhere this is skipped.
	@[ -w /proc/sys/vm/compact_memory ] && echo 1 > /proc/sys/vm/compact_memory 2>/dev/null || true
	GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node --expose-gc build/bench/bench/run.js $(BENCH)

clean:
	rm -rf dist node_modules .hlsq-cache
