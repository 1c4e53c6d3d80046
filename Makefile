# llmtrace — targets. `make run` is the main job; `make test` runs every test.
SHELL      := /bin/bash
GO         ?= go
BUILD      := $(CURDIR)/_build
BIN        := $(BUILD)/bin
OCB_VERSION := v0.162.0
OTELCOL    := $(BUILD)/otelcol-llmtrace/otelcol-llmtrace

.PHONY: bench-ab all build test lint bench devserver run run-banner otelcol clean fuzz test-modules bench-modules release-check bench-collector

# The Go modules of this repository (docs: CONTRIBUTING.md). Library modules, released with one
# tag each at the same version: the root (otelbridge, platform, semconv), internal/pdataview,
# collectorexporter, instrumentation/*. Tools that apps never pull: cmd (llmtrace,
# llmtrace-devserver), internal/devserver, internal/e2e, internal/otlpcapture; examples/*.
# Inside the repository each module reaches the others through replace directives.
TOOL_MODULES := internal/pdataview collectorexporter internal/devserver internal/otlpcapture cmd internal/e2e
MODULES := $(TOOL_MODULES) $(shell find instrumentation examples -name go.mod -not -path '*/_build/*' 2>/dev/null | xargs -r -n1 dirname | sort)

all: build

## build: compile every package and the two binaries into _build/bin
build:
	@echo "build: compiling every package of the root module, then _build/bin/llmtrace and _build/bin/llmtrace-devserver"
	@echo "build: (a first build on a cold Go cache downloads the modules and compiles the OTel SDK and the dev platform's SQLite: a few minutes; then seconds)"
	$(GO) build ./...
	$(GO) -C cmd build -o $(BIN)/llmtrace ./llmtrace
	$(GO) -C cmd build -o $(BIN)/llmtrace-devserver ./llmtrace-devserver
	touch $(BIN)/llmtrace $(BIN)/llmtrace-devserver # newer than every source: the e2e tests refuse stale binaries

## otelcol: build the otelcol-llmtrace distribution with the pinned Collector Builder
otelcol: $(OTELCOL)

$(BIN)/builder:
	@echo "otelcol: installing the pinned OpenTelemetry Collector Builder (builder@$(OCB_VERSION)) into $(BIN)"
	GOBIN=$(BIN) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

# The root module's non-test sources (the e2e tests compare the binaries' age with these).
SOURCES := $(shell find . -name '*.go' -not -name '*_test.go' -not -path './_build/*' -not -path './examples/*' -not -path './instrumentation/*' -not -path '*/testdata/*' -not -path './.*' 2>/dev/null)

$(OTELCOL): $(BIN)/builder builder-config.yaml go.mod collectorexporter/go.mod $(SOURCES)
	@echo "otelcol: generating and compiling the otelcol-llmtrace distribution (builder-config.yaml: OTLP receiver, memory_limiter, llmtrace exporter, file_storage, ...) into $(dir $(OTELCOL))"
	@echo "otelcol: (about 5 minutes on a cold Go cache, quiet meanwhile; faster once the Go build cache is warm)"
	GOWORK=off $(BIN)/builder --config builder-config.yaml
	touch $@

## test: lint, build the binaries the end-to-end tests use, run all tests with the race detector
##       (the dev platform browser test needs chromium: .ci/run installs it; missing = failure)
test: lint build otelcol
	LLMTRACE_REQUIRE_NODE=1 LLMTRACE_REQUIRE_BINARIES=1 LLMTRACE_REQUIRE_BROWSER=1 $(GO) test -race -count=1 -timeout 20m ./...
	LLMTRACE_REQUIRE_NODE=1 LLMTRACE_REQUIRE_BINARIES=1 LLMTRACE_REQUIRE_BROWSER=1 $(MAKE) test-modules
	$(MAKE) release-check

## test-modules: go vet + race tests in every other module (MODULES; each builds against this
## checkout through its replace directives)
test-modules:
	@failed=""; for m in $(MODULES); do \
	  echo "== $$m"; \
	  (cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 20m ./...) || failed="$$failed $$m"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-modules: failed in:$$failed"; exit 1; fi

## release-check: every library module builds without its replace directives against the
## versions a release would tag (a module proxy on disk of this checkout's modules), and a user
## module outside the repository requiring them builds and runs examples/sdk (scripts/release-check.sh)
release-check: build
	bash scripts/release-check.sh

## bench-modules: the nested modules' benchmarks (middleware overhead vs no middleware), -benchmem
bench-modules:
	@set -e; for m in $(MODULES); do (cd $$m && $(GO) test -run '^$$' -bench . -benchmem -count=1 ./...); done

## bench-ab: one benchmark at the working tree and at BASES (commits), interleaved rounds pinned
## to one core, CPU time per run, medians and per-round ratios (scripts/bench-ab.sh; PKG, BENCH,
## BASES, ANCHOR, ROUNDS, ITERS, CORE from the environment; ANCHOR: a second benchmark of the
## package in the same rounds, e.g. BenchmarkConsumeTraces/otlphttp)
bench-ab:
	bash scripts/bench-ab.sh

## bench-collector: the otelcol-llmtrace distribution as a whole process, llmtrace exporter vs
## otlphttp, fsync false / true: spans/s delivered to a sink, CPU, RSS (scripts/bench-collector.sh;
## DURATION (60 s), ROUNDS (1), COLLECTOR_CPUS, ... from the environment)
bench-collector: otelcol
	bash scripts/bench-collector.sh

## lint: gofmt check and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null; find . -name '*.go' -not -path './_build/*' -newer go.mod 2>/dev/null) | sort -u); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@set -e; for m in $(TOOL_MODULES); do (cd $$m && $(GO) vet ./...); done

## bench: every benchmark with its anchor, -benchmem
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...
	@set -e; for m in $(TOOL_MODULES); do (cd $$m && $(GO) test -run '^$$' -bench . -benchmem -count=1 ./...); done

## prices: regenerate internal/mapping/prices/data/genai-prices.json from the pinned npm package
## @pydantic/genai-prices (node + npm; installs it under _build/genai-prices/)
GENAI_PRICES_VERSION := 0.1.8
.PHONY: prices
prices:
	node scripts/genai-prices.mjs vendor $(GENAI_PRICES_VERSION) internal/mapping/prices/data/genai-prices.json

## fuzz: run every fuzz target (func Fuzz* in *_test.go) for FUZZTIME each (default 60s) and
## print executions per target; failing inputs stay in <package>/testdata/fuzz/ as seed corpus
FUZZTIME ?= 60s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

## devserver: run the local dev platform on 127.0.0.1:8787
devserver: build
	$(BIN)/llmtrace-devserver -addr 127.0.0.1:8787 -db $(BUILD)/llmtrace-dev.db

## run: the main job — dev platform + otelcol-llmtrace fed with the real captures
run: run-banner build otelcol
	SKIP_BUILD=1 bash scripts/run.sh

run-banner:
	@echo "run: building the dev platform, the llmtrace CLI and the otelcol-llmtrace collector, then feeding them testdata/captures/"
	@echo "run: the first run on a fresh machine compiles for about 10 minutes (two steps of ~5 min, announced below); later runs reuse the Go build cache"

clean:
	rm -rf $(BUILD)
	-git worktree prune 2>/dev/null # make bench-ab's worktrees lived under $(BUILD)
