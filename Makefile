# Leverage Lab. `make run` serves the app, `make test` runs every test; both install what is missing
# first and are safe to repeat.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Re-install when pyproject.toml changes; otherwise the stamp makes installing a no-op.
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8501
# Where `make run` / `make serve` listen: this machine only. `HOST=0.0.0.0 make run` opens the app
# to the room's network (put it behind authentication first: README, "Serving a class").
HOST ?= 127.0.0.1
WORKERS ?= 2
# `make fuzz SCALE=K`: K times the fuzz suite's cases, from K seeds.
SCALE ?= 1
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run dev serve test test-deep fuzz bench lint format screenshots handout chromium nginx venv clean

# The serving configuration of .streamlit/config.toml (no file watcher, no forced GC after each
# run, visitors see error types only).
run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(HOST) --server.headless true

# For developing: reload on save, full error details with tracebacks.
dev: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(HOST) \
	  --server.headless true --server.fileWatcherType auto --server.runOnSave true \
	  --client.showErrorDetails full

# WORKERS Streamlit processes behind nginx on HOST:PORT (docs/deploy.md).
serve: $(STAMP) nginx
	$(BIN)/python -m tools.serve --workers $(WORKERS) --host $(HOST) --port $(PORT)

# Hypothesis runs derandomized with a fixed example budget (profile "ci", tests/conftest.py), so a
# run that passes once passes every time. The test files are spread over the cores (pytest-xdist,
# one file per process at a time so module fixtures run once; at most 4 processes, each with its
# own app server and browser for the browser tests). `make test-deep` draws random seeds and ten times the
# examples (slow: run it before a release or after touching an invariant, not in CI).
test: $(STAMP) chromium nginx
	$(BIN)/pytest --hypothesis-profile=ci -n auto --maxprocesses=4 --dist loadfile

test-deep: $(STAMP)
	$(BIN)/pytest --hypothesis-profile=deep -m "not browser" tests/risk tests/ui

# The fixed-seed fuzz suite's table per surface (tried, refusals, crashes, hangs, rows lost);
# the suite itself (tests/fuzz) runs in `make test`.
fuzz: $(STAMP)
	$(BIN)/python -m tools.fuzz_report --scale $(SCALE)

bench: $(STAMP) nginx
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

screenshots: $(STAMP) chromium
	$(BIN)/python -m tools.screenshots

# The "Why 50x is fragile" lesson as a printable handout, one page per step: build/handout/*.png
# (FORMAT=pdf for PDFs), drawn by kaleido with Debian's chromium.
FORMAT ?= png
handout: $(STAMP) chromium
	$(BIN)/python -m tools.handout --format $(FORMAT)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  $(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	    echo "python venv module missing: installing python3-venv with apt"; \
	    $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && \
	    rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }; \
	fi
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Debian's chromium for the browser tests (Playwright drives it; its own browser download is not used).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

# Debian's nginx for `make serve`, its browser test and the classroom benchmark. Only the binary
# is used (tools/serve.py runs it with its own config); no system service is started.
nginx:
	@if [ ! -x $(NGINX) ]; then \
	  echo "installing Debian's nginx for make serve"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
