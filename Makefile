# 总结看板 - the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export ZONGJIE_DB ?= data/zongjie.duckdb
PORT   ?= 8501
# Only this machine can connect unless told otherwise: `make run ADDRESS=0.0.0.0` to serve a LAN
# (set a password first, README "Access password").
ADDRESS ?= 127.0.0.1

.PHONY: run test setup setup-test sysdeps sysdeps-test ingest serve bench profile clean

# Runtime (what `make run` needs, with the `fast` extra: numba for 查重): no pytest, no playwright.
setup: $(STAMP) sysdeps

# Runtime plus the `test` and `scale` extras (pytest, playwright, dask): what `make test` needs.
setup-test: $(TEST_STAMP) sysdeps-test

# The venv is rebuilt whenever pyproject.toml (the pins) changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[fast]'
	touch $(STAMP)

# The tests also run the Dask engine, so its `scale` extra comes with the test tools.
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,scale,fast]'
	touch $(TEST_STAMP)

# A CJK font for the word cloud (Debian package, only when missing).
sysdeps:
	@bash scripts/install_system_deps.sh font

# Headless Chromium + a CJK font for the browser test.
sysdeps-test: sysdeps
	@bash scripts/install_system_deps.sh chromium

# Incremental: unchanged files are skipped, a changed pipeline re-extracts everything.
ingest: setup
	$(PY) -m pipeline ingest data/sample --db $(ZONGJIE_DB)

serve:
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true

run: ingest serve

test: setup-test
	$(PY) -m pytest -q

# Every benchmark at full size (10,000 reports); results are appended to BENCHMARKS.md.
bench: setup
	$(PY) -m bench.ingest all --reports 10000
	$(PY) -m bench.dashboard
	$(PY) -m bench.copies --reports 10000

# Where ingest time goes: py-spy samples of a 2,500-report ingest (parent and workers).
profile: setup
	$(PY) -m pip install --quiet -e '.[profile]'
	$(PY) -m bench.profile --reports 2500

clean:
	rm -rf $(VENV) $(ZONGJIE_DB) $(ZONGJIE_DB).wal tests/artifacts
