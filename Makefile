# Flashpoint: `make run` runs the main job, `make test` runs the whole suite.
PYTHON_VERSION ?= 3.12
VENV := .venv
PY := $(VENV)/bin/python
# numba invalidates a cached function only when its own file changes, not the kernels it calls nor the
# constants it reads: key the cache on every source that jitted code uses (the kernels, the engines,
# the vocabulary) so an edit to any of them starts a fresh cache.
KERNELS_HASH := $(shell cat sim/kernels/*.py sim/engines/*/*.py sim/vocabulary.py 2>/dev/null | sha1sum | cut -c1-12)
export NUMBA_CACHE_DIR ?= $(CURDIR)/.numba_cache/$(KERNELS_HASH)

.PHONY: run test lint format app screenshots bench-app clean venv

# Find a Python >= 3.12: pyenv's, then python3.12 / python3.13 on PATH.
BASE_PYTHON := $(shell for c in "$$(pyenv prefix $(PYTHON_VERSION) 2>/dev/null)/bin/python" python3.12 python3.13 python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$c; break; fi; done)

$(VENV)/.installed: pyproject.toml
	@test -n "$(BASE_PYTHON)" || { echo "error: Python >= 3.12 not found (install it or use pyenv)"; exit 1; }
	test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,app]"
	touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/flashpoint run scenarios/taiwan_strait.yaml --out out

# Two test processes (pytest-xdist): the suite is mostly single-threaded Python, and a cold numba cache is
# compiled once per process, so two halve the suite's time on the 2-core machine.
test: venv
	$(PY) -m pytest -q -n 2

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# .streamlit/config.toml: 127.0.0.1 only, no usage statistics, uploads up to 3 MB (docs/app.md, "Offline").
app: venv
	$(VENV)/bin/streamlit run streamlit_app.py

# The screenshots in docs/app.md, taken by the browser test (Debian's Chromium).
screenshots: venv
	FLASHPOINT_DOCS_SCREENSHOTS=1 FLASHPOINT_REQUIRE_BROWSER=1 $(PY) -m pytest -q tests/app/test_app_browser.py

# The app's speed in the browser (first page, a lever, 1,000 runs, a step, odds): docs/app.md records it.
bench-app: venv
	$(PY) benchmarks/bench_app.py

clean:
	rm -rf $(VENV) out .numba_cache .pytest_cache .hypothesis
