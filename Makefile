# The two Quick start commands (`make demo`, `make test`) work on a fresh machine
# with Python 3.11+ and the system services: each creates .venv and installs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/campaign demo

lint: install
	$(BIN)/ruff check .

# The browser tests drive Debian's Chromium (Playwright's own download cannot work offline).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || echo "could not install chromium: the browser tests skip (and fail under CI=true)"; }

test: install lint chromium
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/render.py
	$(BIN)/python bench/scheduler.py
	$(BIN)/python bench/log.py
	$(BIN)/python bench/publish.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
