# The two commands a fresh machine needs: `make deck` builds every lesson, `make test` runs the tests.
PYTHON ?= python3
STAMP := .install-stamp

.PHONY: deck test install clean bench

# Every format: decks, student notebooks, and PDFs with handouts when Chromium is installed.
deck: $(STAMP)
	@if $(PYTHON) -c "import sys; from livedeck.writers.pdf import chromium; sys.exit(not chromium())"; then \
	  $(PYTHON) build.py -f html -f pptx -f ipynb -f pdf --handout; \
	else \
	  echo "make deck: Chromium not found, so no PDFs this time (apt install chromium)"; \
	  $(PYTHON) build.py -f html -f pptx -f ipynb; \
	fi

test: $(STAMP)
	$(PYTHON) -m pytest

# Python packages (pinned in pyproject.toml) and reveal.js + KaTeX (pinned in package-lock.json).
# Re-runs only when those files change.
$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

clean:
	rm -rf dist .livedeck-cache $(STAMP) figures/*/

# Not a test: prints build times as ratios to this machine's torch-import floor (see README).
bench: $(STAMP)
	$(PYTHON) bench/run.py
