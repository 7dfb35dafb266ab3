# Leverage Lab. `make run` serves the app, `make test` runs every test; both install what is missing
# first and are safe to repeat.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Re-install when pyproject.toml changes; otherwise the stamp makes installing a no-op.
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8501
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-deep bench lint format screenshots chromium venv clean

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

# Hypothesis runs derandomized with a fixed example budget (profile "ci", tests/conftest.py), so a
# run that passes once passes every time. `make test-deep` draws random seeds and ten times the
# examples (slow: run it before a release or after touching an invariant, not in CI).
test: $(STAMP) chromium
	$(BIN)/pytest --hypothesis-profile=ci

test-deep: $(STAMP)
	$(BIN)/pytest --hypothesis-profile=deep -m "not browser" tests/risk tests/ui

bench: $(STAMP)
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

screenshots: $(STAMP) chromium
	$(BIN)/python -m tools.screenshots

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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
