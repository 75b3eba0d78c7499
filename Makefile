# treasurylab: `make demo` and `make test` do all set-up on a fresh machine (a .venv in the repo).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out

.PHONY: demo test bench load dashboard lint e2e clean manifest docs backtest-docs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,dask]'
	@# an editable install leaves the package's bytecode to Python's first import, which never writes it
	@# where PYTHONDONTWRITEBYTECODE is set (as in many containers): every command then compiled ~70
	@# modules again (~0.2-0.3 s of CPU a run). Compiled once here; an edited module is compiled again.
	$(BIN)/python -m compileall -q src/treasurylab
	@# the model's kernels built ahead of time for this machine (model/prebuilt.py, ~1-2 minutes once):
	@# every later process loads them in ~1 ms instead of starting numba (~0.8 s and ~115 MiB each)
	$(BIN)/python -m treasurylab.scenario.prebuild
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/treasurylab demo --out $(OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	@# the rows measure what a user runs after installing: kernels built for the current sources
	$(BIN)/python -m treasurylab.scenario.prebuild
	$(BIN)/python benchmarks/run.py --write docs/benchmarks.md

# the dashboard under load on loopback: 20 browsing users + 4 starting runs for 60 s (about 2 minutes)
load: $(STAMP)
	$(BIN)/python benchmarks/load_dashboard.py --seconds 60 --write docs/benchmarks.md

dashboard: $(STAMP)
	$(BIN)/treasurylab dashboard --open

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e tests/e2e

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

# docs/data.md, parameters.md, events.md, and the <!-- generated:NAME --> sections of README.md and docs/*.md
docs: $(STAMP)
	$(BIN)/python -m treasurylab.report.docs --out docs

# the generated "Backtest" section of docs/validation.md and docs/img/backtest_pit.png (~15 s)
backtest-docs: $(STAMP)
	$(BIN)/treasurylab backtest --write-docs docs/validation.md --engine-origins 2025-02,2025-03,2025-04,2025-05,2025-06,2025-07

manifest: $(STAMP)
	$(BIN)/python -c "from treasurylab.data.store import build_manifest; print(len(build_manifest()), 'files')"

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
