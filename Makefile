# One place for every command the README and CI use.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := reference_sets/examples/korea-diplomacy

.PHONY: setup system-deps test-deps demo test lint typecheck pytest bench clean

# System packages: Chromium (browser tests, report screenshots) and WordNet 3.0 (antonym check).
system-deps:
	@need=""; \
	[ -x /usr/bin/chromium ] || need="$$need chromium"; \
	[ -f /usr/share/wordnet/data.adj ] || need="$$need wordnet-base"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  else echo "please install:$$need (apt-get install -y$$need)"; fi; \
	fi

# For the tests only: LibreOffice Calc opens the XLSX exports (tests/test_exports.py; skipped without it).
test-deps:
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-calc-nogui >/dev/null || echo "libreoffice-calc-nogui not installed: its test is skipped"; \
	  else echo "optional: apt-get install -y --no-install-recommends libreoffice-calc-nogui (XLSX round trip test)"; fi; \
	fi

$(BIN)/evaluator: pyproject.toml
	@[ -x $(BIN)/python ] || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first: the CPU build on this machine's disk (a plain "torch" would pull a CUDA build)
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(BIN)/evaluator

setup: system-deps $(BIN)/evaluator

demo: setup
	$(BIN)/evaluator compare $(EXAMPLE)/original.txt $(EXAMPLE)/rewritten.txt --out reports --screenshot

lint:
	$(BIN)/ruff check evaluator tests bench

typecheck:
	$(BIN)/mypy evaluator

pytest:
	$(BIN)/pytest -q

test: setup test-deps lint typecheck pytest

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf reports/*.html reports/*.json .pytest_cache .mypy_cache .ruff_cache
