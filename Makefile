# reldb build and test targets. `make test` is what CI and the README run.
GO       ?= go
PKGS     ?= ./...
FUZZTIME ?= 30s
BENCHTIME ?= 1s
COUNT    ?= 1

.PHONY: all test fmt vet lint test-race test-allocs test-short bench bench-compare fuzz demo conformance randquery crash crash-power soak peers compat parsecheck parsecheck-fuzz

all: test

## test: gofmt check, go vet, every test under the race detector, and the
## allocation counts, which only mean something without it.
test: fmt vet test-race test-allocs

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

## lint: staticcheck, pinned, from the Go module proxy. It is built once
## into a directory named for its version and the Go toolchain's (a newer Go
## needs a staticcheck built by it) and reused while the binary there reports
## that version, instead of being compiled on every run (two minutes).
STATICCHECK_VERSION ?= v0.8.2
TOOLS ?= $(shell $(GO) env GOPATH)/pkg/reldb-tools/staticcheck-$(STATICCHECK_VERSION)-$(shell $(GO) env GOVERSION)
lint:
	@if ! "$(TOOLS)/staticcheck" -version 2>/dev/null | grep -qF '($(patsubst v%,%,$(STATICCHECK_VERSION)))'; then \
		echo "installing staticcheck $(STATICCHECK_VERSION) into $(TOOLS)"; \
		GOBIN="$(TOOLS)" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi
	"$(TOOLS)/staticcheck" $(PKGS)

test-race:
	$(GO) test -race -count=1 $(PKGS)

## test-allocs: the tests that count allocations or measure what the heap
## holds (engine's TestAllocs, TestMemory_*), without the race detector,
## which changes both.
test-allocs:
	$(GO) test -count=1 -run 'Alloc|^TestMemory_' ./engine

test-short:
	$(GO) test -short -count=1 $(PKGS)

## bench: every benchmark once; BENCH=regexp narrows, COUNT=10 for benchstat.
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) -count $(COUNT) $(PKGS)

## bench-compare REF=main: benchstat of HEAD against REF (10 runs each).
REF ?= main
bench-compare:
	@set -e; tmp=$$(mktemp -d); \
	git worktree add -q $$tmp/ref $(REF); \
	(cd $$tmp/ref && $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count 10 $(PKGS)) > $$tmp/old.txt; \
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count 10 $(PKGS) > $$tmp/new.txt; \
	git worktree remove --force $$tmp/ref; \
	$(GO) run golang.org/x/perf/cmd/benchstat@latest $$tmp/old.txt $$tmp/new.txt

## fuzz: each fuzz target for FUZZTIME.
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## conformance: the relation scenarios on reldb and on a throwaway PostgreSQL
## server (Debian's postgresql package), compared statement by statement; the
## SQL corpus (pgsql/conformance) checked against that server; and random
## queries on both for RANDQUERY_TIME (pgsql/conformance/randquery.go).
RANDQUERY_TIME ?= 25s
conformance:
	RELDB_CONFORMANCE=1 RELDB_RANDQUERY_TIME=$(RANDQUERY_TIME) $(GO) test -count=1 -run 'TestConformance|TestCorpus|TestRandomQueries' ./engine ./pgsql/conformance

## randquery: random queries on reldb and PostgreSQL for RANDQUERY_LONG, from
## a new seed each run (RELDB_RANDQUERY_SEED=n replays one seed).
RANDQUERY_LONG ?= 10m
randquery:
	RELDB_CONFORMANCE=1 RELDB_RANDQUERY_TIME=$(RANDQUERY_LONG) $(GO) test -count=1 -timeout 0 -v -run '^TestRandomQueries$$' ./pgsql/conformance

## crash: the crash test — a child process commits, is killed with SIGKILL
## at random moments, and the parent reopens and checks every acknowledged
## commit; CRASH_CYCLES kill/reopen cycles (RELDB_CRASH_SEED=n replays one).
CRASH_CYCLES ?= 200
crash:
	RELDB_CRASH=1 RELDB_CRASH_CYCLES=$(CRASH_CYCLES) $(GO) test -count=1 -timeout 5m -v -run '^TestCrash_KillAndReopen$$' ./engine

## crash-power: the crash test simulating a power loss: after each kill the
## directory is rolled back to what the child had fsynced (files cut to their
## synced length, directory entries to their last sync; see
## engine/crash_power_test.go), and every commit acknowledged under
## SyncEveryCommit must be there. About 0.3 s a cycle.
CRASH_POWER_CYCLES ?= 60
crash-power:
	RELDB_CRASH=1 RELDB_CRASH_MODE=power RELDB_CRASH_CYCLES=$(CRASH_POWER_CYCLES) $(GO) test -count=1 -timeout 10m -v -run '^TestCrash_KillAndReopen$$' ./engine

## soak: the soak test (engine/soak_test.go) for SOAK: a mixed workload on a
## durable database in phases with reopens, checking invariants and that the
## heap stays bounded. `make test` runs it for 4s; RELDB_SOAK lengthens it.
SOAK ?= 20s
soak:
	RELDB_SOAK=$(SOAK) $(GO) test -race -count=1 -timeout 30m -v -run '^TestSoak$$' ./engine

demo:
	$(GO) run ./cmd/reldb demo

## peers: reldb (dynamic and typed API) against go-memdb and SQLite on the
## same workloads, with the bare google/btree floor and memory per row: one
## table of medians of interleaved runs, ratios and the machine's load; and
## reldb's pgwire server against PostgreSQL (fsync off, when installed),
## both through pgx over loopback, in a table of their own (bench/peers is
## its own module; SQLite's mattn driver needs cgo). About ten minutes;
## `make peers PEERSFLAGS=-quick` for a quick, noisy pass.
peers:
	cd bench/peers && $(GO) run ./cmd/peers $(PEERSFLAGS)

## parsecheck: reldb's SQL parser against PostgreSQL's own (pg_query_go,
## cgo) on the corpus and corner cases; FUZZTIME of differential fuzzing
## with `make parsecheck-fuzz`. Its own module keeps cgo out of go.mod.
parsecheck:
	cd pgsql/parsecheck && CGO_ENABLED=1 $(GO) vet ./... && CGO_ENABLED=1 $(GO) test -count=1 ./...

parsecheck-fuzz:
	cd pgsql/parsecheck && CGO_ENABLED=1 $(GO) test -run '^$$' -fuzz FuzzAcceptReject -fuzztime $(FUZZTIME) .

## compat: pgx, pgxpool, lib/pq and psql against reldb's PostgreSQL server
## (compat is its own module, so those clients stay out of go.mod).
compat:
	cd compat && $(GO) vet ./... && $(GO) test -race -count=1 ./...
