# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
# Extras installed into the venv; CI adds the launcher plugins and Optuna: `make test EXTRAS=dev,clusters,search`.
EXTRAS ?= dev
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint docs bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "error: Python >= 3.12 is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.12")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	@touch $(STAMP)

run: $(STAMP)  ## the main job on defaults: the baseline scenario, no lever
	$(BIN)/sim-run

test: $(STAMP)  ## the whole test suite, slow end-to-end tests included (cluster tests skip unless installed)
	$(BIN)/python -m pytest -n 2 --dist loadfile  # loadfile: tests/test_clusters.py on one worker (docs/clusters.md)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

docs: $(STAMP)  ## regenerate docs/parameters.md from the parameter declarations
	$(BIN)/python -m sim.paramdocs

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_engines.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache .hypothesis
