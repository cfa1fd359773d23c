# hlsq: the two commands that matter are `make demo` and `make test`.
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.install-stamp

.PHONY: all install build demo test test-vendor bench typecheck clean

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

test: build
	npx tsc -p tsconfig.json
	npx vitest run

# Runs the differential suite against the vendor's headers, e.g.
#   make test-vendor AP_INCLUDE=/tools/Xilinx/Vitis_HLS/2024.1/include
test-vendor: build
	@if [ -z "$(AP_INCLUDE)" ]; then echo "make test-vendor: set AP_INCLUDE=<dir with the vendor's ap_int.h>"; exit 2; fi
	AP_INCLUDE="$(AP_INCLUDE)" npx vitest run test/cpp

bench: build
	npx tsc -p tsconfig.bench.json
	@# numpy asks the kernel for huge pages itself; let Node's malloc do the same so first-touch page
	@# faults of fresh 80 MB arrays do not dominate the comparison.
	GLIBC_TUNABLES=glibc.malloc.hugetlb=1 node --expose-gc build/bench/bench/run.js

clean:
	rm -rf dist node_modules .hlsq-cache
