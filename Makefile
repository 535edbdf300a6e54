# SPDX-License-Identifier: MIT
# nvgre-rx: every entry point bootstraps what it needs (npm deps, and as root the Debian tools).
SHELL := /bin/bash
NPX := npx --no-install
# chromium: headless, renders the classify --report page in test/report-chromium.test.ts.
# gtkwave, xvfb, xauth: test/waves-gtkwave.test.ts opens the generated save file in GTKWave under Xvfb.
DEBIAN_PKGS := verilator yosys tshark chromium gtkwave xvfb xauth

.PHONY: all deps npm-deps tools test typecheck format format-check bench-ref help

all: test

help:
	@echo "make test       the whole test suite (installs what it needs), after the format check"
	@echo "make format     format the TypeScript, JavaScript and JSON sources with Prettier (.prettierrc.json)"
	@echo "make build      dist/: the JavaScript the nvgre-rx command runs (npm pack builds it too)"
	@echo "make bench-ref  reference-engine speed"
	@echo "make bench-classify  classify end to end, read speed, RSS through a > 2 GiB capture"
	@echo "make rtl        regenerate rtl/ and ref/regmap.generated.ts (default build)"
	@echo "make lint       verilator -Wall on every module of rtl/"
	@echo "make bench-bridge  Verilator bridge speed vs the bare C++ loop"
	@echo "make synth      yosys area/depth tables, iCE40 place and route (CONFIG=file.json for another build)"
	@echo "make depth-matrix  whole-design LUT6 depth of every sim-matrix build (ONLY=a,b JOBS=); table in docs/RESULTS.md"
	@echo "make bench      simulation, reference and area figures of the default and 512-bit builds"
	@echo "make sim        lockstep co-simulation regression (SEED= FRAMES= CONFIG= PCAP= SEEDS= JOBS=)"
	@echo "make sim-matrix every width x IPv6 x Toeplitz build through the regression"
	@echo "make sim RTL=DIR  the regression on your own copy of the Verilog (top nvgre_rx)"
	@echo "make gls       gate-level simulation of the yosys netlist (CONFIG= RTL= SEED= FRAMES=)"
	@echo "make mutants   a uniform sample of single-point RTL mutants through make sim FRAMES=3000: kill rate per module (COUNT= SEED= JOBS=)"
	@echo "make wave       FST + GTKWave save file of a short run in build/wave"
	@echo "make coverage   Verilator line/toggle coverage in build/coverage"
	@echo "make fuzz       coverage-guided mutation fuzzing on the RTL (FUZZ_SECONDS= FUZZ_FRAMES= SEED= CONFIG=)"
	@echo "make soak       10M-frame lockstep soak with faults (SOAK_FRAMES= SEED= CONFIG=)"

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

npm-deps: node_modules/.package-lock.json

# Debian tools: installed when missing and we are root, else the exact command is printed.
tools:
	@missing=""; \
	for t in verilator yosys tshark chromium gtkwave xvfb-run xauth; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
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

# One layout for every source (.prettierrc.json; generated files and prose are in .prettierignore).
format: npm-deps
	$(NPX) prettier --write --log-level warn .

format-check: npm-deps
	@$(NPX) prettier --check --log-level warn . || { echo "sources not formatted: run make format"; exit 1; }

# The suite includes one nextpnr-ice40 place and route (test/synth-flow.test.ts).
test: deps fpga-tools format-check typecheck
	$(NPX) vitest run

# dist/: the JavaScript the package ships and bin/nvgre-rx.mjs runs (it falls back to the
# TypeScript sources through tsx while dist/ is older than them).
.PHONY: build
build: npm-deps
	$(NPX) tsc -p tsconfig.build.json

bench-ref: npm-deps
	$(NPX) tsx bench/ref.bench.ts

# classify end to end (built CLI) beside the in-memory engine and the plain read speed, and
# resident memory through a > 2 GiB capture (made in /tmp, deleted after); docs/RESULTS.md block.
.PHONY: bench-classify
bench-classify: build
	$(NPX) tsx bench/classify.bench.ts --write-docs

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

# Lockstep co-simulation regression (docs/SIMULATION.md). Overrides:
#   make sim SEED=7 FRAMES=20000 CONFIG=w256-v4-ck PCAP=capture.pcap SEEDS=4 JOBS=2 [LENIENT=1]
.PHONY: sim sim-matrix wave coverage
SIM_ARGS = $(if $(SEED),--seed $(SEED)) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(FRAMES),--frames $(FRAMES)) \
  $(if $(CONFIG),--config $(CONFIG)) $(if $(PCAP),--pcap $(PCAP)) $(if $(JOBS),--jobs $(JOBS)) $(if $(LENIENT),--lenient)
# RTL=DIR: the same regression on the Verilog in DIR (top nvgre_rx) instead of the
# generator's output; its build is read from its CAP_* registers (docs/GLS.md).
sim: deps
ifneq ($(RTL),)
	$(NPX) tsx tb/cli/rtl-dir.ts --rtl $(RTL) $(if $(SEED),--seed $(SEED)) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(FRAMES),--frames $(FRAMES))
else
	$(NPX) tsx tb/cli/run-sim.ts $(SIM_ARGS)
endif

# Every data width x IPv6 on/off x Toeplitz implementation (16 builds).
sim-matrix: deps
	$(NPX) tsx tb/cli/run-sim.ts --matrix --seeds $(or $(SEEDS),1) --frames $(or $(FRAMES),3000) $(if $(SEED),--seed $(SEED)) $(if $(JOBS),--jobs $(JOBS))
	$(NPX) tsx tb/cli/gls.ts --config w512-v6-rk --frames $(or $(GLS_FRAMES),200) $(if $(SEED),--seed $(SEED))

# Gate-level simulation: yosys netlist of the default top (or CONFIG=, or RTL=DIR's Verilog),
# then the lockstep regression on it. The netlist is cached by the RTL's content (docs/GLS.md).
.PHONY: gls mutants
gls: deps
	$(NPX) tsx tb/cli/gls.ts $(if $(CONFIG),--config $(CONFIG)) $(if $(RTL),--rtl $(RTL)) $(if $(SEED),--seed $(SEED)) $(if $(SEEDS),--seeds $(SEEDS)) --frames $(or $(FRAMES),400)

# Random single-point mutants of the default RTL through the regression: the kill rate.
# A uniform sample of COUNT mutants, each through the short regression (make sim FRAMES=3000).
mutants: deps
	$(NPX) tsx tb/cli/mutants.ts --count $(or $(COUNT),100) --seed $(or $(SEED),1) --frames $(or $(FRAMES),3000) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(JOBS),--jobs $(JOBS)) $(if $(HAND),--hand)

# FST of a short run with its GTKWave save file: gtkwave build/wave/nvgre_rx.fst build/wave/nvgre_rx.gtkw
wave: deps
	$(NPX) tsx tb/cli/run-sim.ts --wave $(if $(SEED),--seed $(SEED)) $(if $(CONFIG),--config $(CONFIG)) $(if $(FRAMES),--frames $(FRAMES))

# Verilator line/toggle coverage of a regression; annotated sources in build/coverage/annotated.
coverage: deps
	$(NPX) tsx tb/cli/run-sim.ts --coverage --seeds $(or $(SEEDS),2) --frames $(or $(FRAMES),20000) $(if $(SEED),--seed $(SEED)) $(if $(CONFIG),--config $(CONFIG))

# FPGA flow: nextpnr-ice40 and the icestorm tools, installed like the others when missing.
FPGA_PKGS := nextpnr-ice40 fpga-icestorm
.PHONY: fpga-tools synth bench
fpga-tools: tools
	@missing=""; \
	for t in nextpnr-ice40 icepack; do command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(FPGA_PKGS) >/dev/null; \
	  else \
	    echo "missing:$$missing. Install them with: sudo apt-get install -y $(FPGA_PKGS)"; exit 1; \
	  fi; \
	fi

# yosys area and depth per module (generic, LUT6, xc7, iCE40) of rtl/ or of CONFIG=file.json,
# the Toeplitz implementations compared, and iCE40 place and route of PNR_CONFIG; the tables
# replace their blocks in docs/RESULTS.md. Results are cached under build/synth.
PNR_CONFIG ?= synth/small.json
synth: deps fpga-tools
	$(NPX) tsx bench/synth.ts --write-docs $(if $(CONFIG),--config $(CONFIG),--toeplitz) --pnr $(PNR_CONFIG)

# The depth rule (at most 8 LUT6 levels between registers) on the whole design of every
# build of make sim-matrix: one yosys run per build, cached by the Verilog's content.
.PHONY: depth-matrix
depth-matrix: deps fpga-tools
	$(NPX) tsx bench/depth-matrix.ts $(if $(ONLY),--only $(ONLY),--write-docs) $(if $(JOBS),--jobs $(JOBS))

# Simulation speed (TypeScript-driven vs bare C++), reference-engine speed, latency,
# bubbles and area of the default and 512-bit builds, each measured beside its comparison;
# classify end to end (built CLI, file in, JSON Lines out) beside the in-memory engine and
# the plain read speed, and resident memory through a > 2 GiB capture made in /tmp and deleted.
bench: deps fpga-tools build
	$(NPX) tsx bench/index.ts --write-docs

# Hostile traffic (docs/ROBUSTNESS.md). Fuzz: coverage-guided mutation of frames, in
# lockstep on the RTL; new seeds and mismatches go to test/corpus/ (replayed by make test).
#   make fuzz FUZZ_SECONDS=600 SEED=7 [FUZZ_FRAMES=100000] [CONFIG=w256-v4-ck] [FUZZ_SAVE=0]
# Soak: SOAK_FRAMES (default 10M) with back-pressure, CSR rewrites and mid-frame resets,
# frames/records/counters balanced exactly.   make soak SOAK_FRAMES=1000000 SEED=2 CONFIG=default,w512-v6-rk
.PHONY: fuzz soak
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_FRAMES=$(FUZZ_FRAMES) SEED=$(SEED) CONFIG=$(CONFIG) FUZZ_SAVE=$(FUZZ_SAVE) $(NPX) tsx tb/cli/fuzz.ts

soak: deps
	SOAK_FRAMES=$(SOAK_FRAMES) SEED=$(SEED) CONFIG=$(CONFIG) SOAK_CHUNK=$(SOAK_CHUNK) $(NPX) tsx tb/cli/soak.ts
