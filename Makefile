# Two commands do all set-up: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
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

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
