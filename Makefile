# nvgre-rx: every entry point bootstraps what it needs (npm deps, and as root the Debian tools).
SHELL := /bin/bash
NPX := npx --no-install
DEBIAN_PKGS := verilator yosys tshark

.PHONY: all deps npm-deps tools test typecheck bench-ref help

all: test

help:
	@echo "make test       the whole test suite (installs what it needs)"
	@echo "make bench-ref  reference-engine speed"
	@echo "make bench-bridge  Verilator bridge speed vs the bare C++ loop"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

npm-deps: node_modules/.package-lock.json

# Debian tools: installed when missing and we are root, else the exact command is printed.
tools:
	@missing=""; \
	for t in verilator yosys tshark; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PKGS) >/dev/null; \
	  else \
	    echo "missing:$$missing. Install them with: sudo apt-get install -y $(DEBIAN_PKGS)"; exit 1; \
	  fi; \
	fi

deps: npm-deps tools

typecheck: npm-deps
	$(NPX) tsc --noEmit

test: deps typecheck
	$(NPX) vitest run

bench-ref: npm-deps
	$(NPX) tsx bench/ref.bench.ts

# rtl/: the default build's Verilog and register map files; ref/regmap.generated.ts is
# the register map's TypeScript for the default layout (same text as rtl/nvgre_rx_regs.ts).
.PHONY: rtl lint
rtl: npm-deps
	rm -f rtl/*.v
	$(NPX) tsx cli/main.ts gen --out rtl
	cp rtl/nvgre_rx_regs.ts ref/regmap.generated.ts

# Every module of rtl/ through verilator -Wall, one module at a time as the top.
lint: tools
	@set -e; for f in rtl/*.v; do m=$$(basename $$f .v); echo "lint $$m"; \
	  verilator --lint-only -Wall --top-module $$m rtl/*.v; done

# Bridge speed: a 2048-bit-input model through the TypeScript bridge vs its bare C++ loop.
.PHONY: bench-bridge
bench-bridge: deps
	$(NPX) tsx bench/bridge.bench.ts
