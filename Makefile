# The one place that sets build flags. Trivy (linked later) needs the jsonv2
# experiment on every go command, so it is exported for all of them here.
export GOEXPERIMENT := jsonv2
export CGO_ENABLED := 0

GO      ?= go
BIN     := bin/sdescan
VERSION ?= 0.1.0-dev
# -s -w strip the symbol table and DWARF; -buildid= leaves out the build ID, which
# hashes the build's inputs and paths, so that one commit gives the same bytes.
LDFLAGS := -s -w -buildid= -X github.com/sdescan/sdescan/cmd/sdescan/internal/cli.Version=$(VERSION)
FUZZTIME ?= 20s
# Every collector's checks (collectors/<collector>/policy): the folders the binary
# embeds and the registry names (TestRegistry proves the three agree).
POLICY_DIRS := $(sort $(wildcard collectors/*/policy))

.PHONY: all build demo test tools lint fuzz bench docs clean release image checksums man install

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

# An hour for go test: the release test (internal/release) compiles sdescan with
# -trimpath when the build cache has no such build yet (make build makes one).
test: tools
	$(GO) test -timeout 60m ./...
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
	$(GO) test ./collectors/azure -run '^$$' -bench CollectAzure -benchtime 1x -timeout 30m
	$(GO) test ./reports/pack -run '^$$' -bench '^BenchmarkPack$$' -benchmem -benchtime 1x -timeout 30m

# docs/controls.md and docs/checks-depth.md are generated from the catalogue and the
# checks' tests, never edited by hand.
docs:
	$(GO) run ./controls/internal/docgen > docs/controls.md
	$(GO) run ./controls/internal/depthgen > docs/checks-depth.md

# Releases (docs/ci.md, "Releases, the image and installing from a checkout"): for
# each OS/ARCH of PLATFORMS, a static, stripped binary built with -trimpath and no
# build ID or time stamp, so that one commit gives byte-identical binaries wherever
# it is built, and its CycloneDX SBOM (from the module graph recorded in the
# binary); SHA256SUMS of them all, and with SIGNING_KEY=PREFIX.key (from `sdescan
# keygen`) its ed25519 signature SHA256SUMS.sig, which openssl checks as it checks
# evidence packs.
PLATFORMS   ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
DIST        := dist
SIGNING_KEY ?=
# The commit's date (SOURCE_DATE_EPOCH) dates the SBOMs, the image and the man pages,
# not the binaries; outside git it is empty: no date in the SBOMs, 1970 elsewhere.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null)
endif
release-bin = $(DIST)/sdescan-$(VERSION)-$(subst /,-,$(1))$(if $(filter windows/%,$(1)),.exe)

define release-one
	GOOS=$(word 1,$(subst /, ,$(1))) GOARCH=$(word 2,$(subst /, ,$(1))) $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(call release-bin,$(1)) ./cmd/sdescan
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./internal/release/sbom -version $(VERSION) -o $(call release-bin,$(1)).cdx.json $(call release-bin,$(1))

endef

release:
	@echo "make release: $(PLATFORMS) (a first build for each platform takes about 25 minutes)"
	@mkdir -p $(DIST)
	rm -f $(DIST)/sdescan-$(VERSION)-* $(DIST)/SHA256SUMS $(DIST)/SHA256SUMS.sig
	$(foreach p,$(PLATFORMS),$(call release-one,$(p)))
	@$(MAKE) --no-print-directory checksums

# SHA256SUMS of every release file of VERSION in dist/, signed with SIGNING_KEY.
checksums:
	cd $(DIST) && rm -f SHA256SUMS SHA256SUMS.sig && LC_ALL=C sha256sum sdescan-$(VERSION)-* > SHA256SUMS
	$(if $(SIGNING_KEY),$(GO) run ./internal/release/sign -key $(SIGNING_KEY) $(DIST)/SHA256SUMS)

# The container image, built without a Docker daemon (docs/ci.md): the static
# linux binary of the release (built first if dist/ lacks it), this machine's CA
# certificates and the unprivileged user nonroot (65532), as a tarball that is both
# an OCI layout and a docker save archive: `docker load -i` or `podman load -i` it.
IMAGE_PLATFORM ?= linux/amd64
CA_CERTS       ?= /etc/ssl/certs/ca-certificates.crt
IMAGE_TAR      := $(DIST)/sdescan-$(VERSION)-$(subst /,-,$(IMAGE_PLATFORM)).image.tar

image:
	@[ -f $(call release-bin,$(IMAGE_PLATFORM)) ] || $(MAKE) --no-print-directory release PLATFORMS=$(IMAGE_PLATFORM)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./internal/release/ociimage -binary $(call release-bin,$(IMAGE_PLATFORM)) \
	  -ca $(CA_CERTS) -version $(VERSION) -platform $(IMAGE_PLATFORM) -o $(IMAGE_TAR)
	@$(MAKE) --no-print-directory checksums

# Man pages (section 1, one per command) under out/man, from cobra's generator.
MANDIR := out/man
man:
	rm -rf $(MANDIR)
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run -trimpath -ldflags '$(LDFLAGS)' ./cmd/sdescan/internal/mangen $(MANDIR)

# make install PREFIX=~/.local: the binary, its completions (bash, zsh, fish; the
# PowerShell script under share/sdescan: load it from your profile) and man pages.
PREFIX ?= /usr/local
DEST   := $(DESTDIR)$(PREFIX)
install: build man
	install -d $(DEST)/bin $(DEST)/share/man/man1 $(DEST)/share/bash-completion/completions \
	  $(DEST)/share/zsh/site-functions $(DEST)/share/fish/vendor_completions.d $(DEST)/share/sdescan
	install -m 0755 $(BIN) $(DEST)/bin/sdescan
	$(BIN) completion bash > $(DEST)/share/bash-completion/completions/sdescan
	$(BIN) completion zsh > $(DEST)/share/zsh/site-functions/_sdescan
	$(BIN) completion fish > $(DEST)/share/fish/vendor_completions.d/sdescan.fish
	$(BIN) completion powershell > $(DEST)/share/sdescan/sdescan.ps1
	install -m 0644 $(MANDIR)/*.1 $(DEST)/share/man/man1/

clean:
	rm -rf bin out dist tools/npm/node_modules
