# Two commands do all set-up: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean lock chromium

INSTALL ?= -e '.[dev]'
# setuptools prints a multi-line notice on every editable install ("Editable installation…",
# information only); hushed by that message alone, so a real warning still shows.
QUIET_NOTICE := PYTHONWARNINGS="ignore:Editable installation:UserWarning"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(QUIET_NOTICE) $(BIN)/pip install --quiet -c constraints.txt $(INSTALL)
	touch $(STAMP)

run: $(STAMP)  ## run the app (demo data when nothing is configured)
	$(BIN)/listenpost $(ARGS)

test: $(STAMP) chromium  ## ruff, mypy, then every test (the conformance suite reads ../shared/corpora)
	$(BIN)/ruff check core tui tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The HTML report's test opens it in a real headless Chromium (Debian's package). Installed
# here when missing, as root or through sudo; without it that test fails rather than skips.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium; }

bench: $(STAMP)  ## benchmarks: prints figures, asserts nothing
	$(BIN)/python -m bench $(ARGS)

lock:  ## re-resolve every dependency to its newest allowed version into constraints.txt
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' constraints.txt; .venv-lock/bin/pip freeze --exclude-editable; } > constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
