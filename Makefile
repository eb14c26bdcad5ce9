# Two commands do all the set-up: `make run` and `make test`.
# Python 3.12 or newer: the first of python3.12, python3.13, python3 that runs and is new enough (or PYTHON=...).
PYTHON ?= $(shell for p in python3.12 python3.13 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
# Extras installed into the venv; CI adds the launcher plugins and Optuna: `make test EXTRAS=dev,analysis,viz,notebooks,clusters,search`.
EXTRAS ?= dev,analysis,viz,notebooks
VENV := .venv
BIN := $(VENV)/bin
comma := ,
# One stamp per set of extras: asking for other extras (as .ci/run does) installs them.
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: run demo notebooks test lint docs bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.12 or newer is needed (python3.12, python3.13 or python3); set PYTHON=/path/to/python3.12"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	@touch $(STAMP)

run: $(STAMP)  ## the main job on defaults: the baseline scenario, no lever
	$(BIN)/sim-run

demo: $(STAMP)  ## the trainer's browser app on http://127.0.0.1:8765 (offline)
	$(BIN)/sim-demo

notebooks: $(STAMP)  ## JupyterLab on the notebooks (notebooks/*.ipynb)
	$(BIN)/jupyter lab notebooks

test: $(STAMP)  ## the whole test suite, slow end-to-end tests and every notebook (FAST=1) included
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not ray"  # loadfile: tests/test_clusters.py on one worker (docs/clusters.md)
	$(BIN)/python -m pytest -m ray  # then Ray alone: its raylet must register within a fixed 30 s, too short on a busy 2-core machine

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

docs: $(STAMP)  ## regenerate docs/parameters.md and docs/validation.md
	$(BIN)/python -m sim.cli.paramdocs
	$(BIN)/python experiments/validation.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engines.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .hypothesis
