# The two commands a fresh machine needs: `make deck` builds every lesson, `make test` runs the tests.
# Everything is installed into .venv/ in this checkout, so two checkouts (two courses, a fork) on one
# machine never touch each other's packages.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.install-stamp

.PHONY: deck test install clean bench

# Every format: decks, student notebooks, and PDFs with handouts when Chromium is installed.
deck: $(STAMP)
	@if $(PY) -c "import sys; from livedeck.writers.pdf import chromium; sys.exit(not chromium())"; then \
	  $(PY) build.py -f html -f pptx -f ipynb -f pdf --handout; \
	else \
	  echo "make deck: Chromium not found, so no PDFs this time (apt install chromium)"; \
	  $(PY) build.py -f html -f pptx -f ipynb; \
	fi

# Lint and type-check first (seconds), then the tests in parallel (pytest-xdist), a file's tests together so
# its shared builds are made once.
test: $(STAMP)
	$(PY) -m ruff check livedeck tests
	$(PY) -m mypy
	$(PY) -m pytest -n 3 --dist loadfile

# Python packages (pinned in pyproject.toml) into .venv, and reveal.js, MathJax and resvg (pinned in package-lock.json).
# Re-runs only when those files change.
$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

clean:
	rm -rf dist .livedeck-cache $(VENV) figures/*/

# Not a test: prints build times as ratios to this machine's torch-import floor (see README).
bench: $(STAMP)
	$(PY) bench/run.py
