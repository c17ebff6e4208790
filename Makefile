# The one place that sets build flags. Trivy (linked later) needs the jsonv2
# experiment on every go command, so it is exported for all of them here.
export GOEXPERIMENT := jsonv2
export CGO_ENABLED := 0

GO      ?= go
BIN     := bin/sdescan
VERSION ?= 0.1.0-dev
LDFLAGS := -s -w -X github.com/sdescan/sdescan/cmd/sdescan/internal/cli.Version=$(VERSION)
FUZZTIME ?= 20s
# Every collector's checks (collectors/<collector>/policy): the folders the binary
# embeds and the registry names (TestRegistry proves the three agree).
POLICY_DIRS := $(sort $(wildcard collectors/*/policy))

.PHONY: all build demo test tools lint fuzz bench docs clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/sdescan

# The main job on the bundled demo estate: no credentials, no network. It says what it
# is doing first: a cold first build is silent for a long time.
demo:
	@echo "make demo: building bin/sdescan (a first build takes about 25 minutes), then the demo scan"
	@$(MAKE) --no-print-directory build
	$(BIN) scan --demo --iac fixtures/demo/iac --output-dir out/demo --pack out/demo/pack.zip
	$(BIN) scan --demo --iac fixtures/demo/iac --format html --output out/demo/board.html
	$(BIN) backup --demo

# Tools some tests run, pinned in tools/npm/package-lock.json: Microsoft's SARIF
# validator and axe-core. The tests fail (never skip) when they are missing.
NPM_TOOLS := tools/npm/node_modules/.package-lock.json
tools: $(NPM_TOOLS)
$(NPM_TOOLS): tools/npm/package.json tools/npm/package-lock.json
	npm ci --prefix tools/npm --no-audit --no-fund
	@touch $@

test: tools
	$(GO) test ./...
	$(GO) tool opa test $(POLICY_DIRS)

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './out/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool opa check --strict -s checks/schema/input.schema.json $(POLICY_DIRS)
	$(GO) tool opa fmt --list --fail checks/ collectors/

# Each fuzz target runs for FUZZTIME; a panic fails the run.
fuzz:
	$(GO) test ./checks -run '^$$' -fuzz '^FuzzDecodeFacts$$' -fuzztime $(FUZZTIME)
	$(GO) test ./controls -run '^$$' -fuzz '^FuzzParseFramework$$' -fuzztime $(FUZZTIME)
	$(GO) test ./controls -run '^$$' -fuzz '^FuzzParseAttestations$$' -fuzztime $(FUZZTIME)
	$(GO) test ./controls -run '^$$' -fuzz '^FuzzParseWaivers$$' -fuzztime $(FUZZTIME)
	$(GO) test ./controls -run '^$$' -fuzz '^FuzzLoadAttestations$$' -fuzztime $(FUZZTIME)
	$(GO) test ./controls -run '^$$' -fuzz '^FuzzDecodeYAMLStrict$$' -fuzztime $(FUZZTIME)
	$(GO) test ./collectors/trivy -run '^$$' -fuzz '^FuzzIaCYAML$$' -fuzztime $(FUZZTIME)
	$(GO) test ./reports/pack -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME)

# Trivy's own CLI, from the module version sdescan links, for BenchmarkIACvsTrivy.
TRIVY := bin/trivy
$(TRIVY): go.mod go.sum
	$(GO) build -trimpath -o $(TRIVY) github.com/aquasecurity/trivy/cmd/trivy

bench: $(TRIVY)
	$(GO) test ./checks/engine ./cmd/sdescan -run '^$$' -bench 'Evaluate' -benchmem -benchtime 3x -timeout 30m
	SDESCAN_TRIVY=$(CURDIR)/$(TRIVY) $(GO) test ./cmd/sdescan -run '^$$' -bench '^BenchmarkIACvsTrivy$$' -benchtime 5x -timeout 30m
	$(GO) test ./collectors/aws -run '^$$' -bench CollectMoto -benchtime 1x -timeout 30m
	$(GO) test ./reports/pack -run '^$$' -bench '^BenchmarkPack$$' -benchmem -benchtime 1x -timeout 30m

# docs/controls.md is generated from the catalogue, never edited by hand.
docs:
	$(GO) run ./controls/internal/docgen > docs/controls.md

clean:
	rm -rf bin out tools/npm/node_modules
