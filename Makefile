# Anjian: `make run` starts the demo city, `make test` checks everything. Needs only Python 3.11,
# Node.js/npm and apt; the Makefile builds its own virtual environment from the lock file.

PYTHON_BASE ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PG_URL ?= postgres://postgres@127.0.0.1:5432/anjian
CHROMIUM ?= /usr/bin/chromium
VENDOR := anjian/static/vendor
export ANJIAN_VAR_DIR ?= $(CURDIR)/var

.PHONY: docs-images translations browser-deps bench-deps dossier-font run test check test-sqlite test-postgres test-browser assets install lock bench messages clean worker mutation

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Each file is copied with the source map its last line names (sourceMappingURL): the manifest
# storage of production mode resolves that reference and stops at a missing map, and keeping the
# packages' files byte for byte (rather than stripping the comment) keeps them checkable against
# the lock file's integrity hashes and lets the browser's tools show the sources.
$(VENDOR)/.copied: node_modules/.package-lock.json Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/leaflet
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $@

assets: $(VENDOR)/.copied

# Refresh the English catalogue after adding or changing Chinese UI strings; then translate the
# new entries in anjian/locale/en/LC_MESSAGES/django.po (a test fails while any is missing).
translations: install
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var

messages: install
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null

# `make run`: the embedded demo (SQLite, file-system broker); no external service needed.
run: install assets messages dossier-font
	mkdir -p $(ANJIAN_VAR_DIR)
	$(PY) manage.py migrate --no-input
	test -f $(ANJIAN_VAR_DIR)/.demo-loaded || ( $(PY) manage.py load_reference && $(PY) manage.py load_demo --seed 2018 && touch $(ANJIAN_VAR_DIR)/.demo-loaded )
	$(PY) manage.py demo_accounts --summary
	@echo "Anjian: http://$(HOST):$(PORT)/"
	$(VENV)/bin/celery -A anjian worker -B --pool solo --loglevel WARNING --schedule $(ANJIAN_VAR_DIR)/celerybeat-schedule & \
	  worker=$$!; \
	  $(PY) manage.py simulate_sensors --http http://$(HOST):$(PORT) --period 10 >/dev/null & \
	  simulator=$$!; trap "kill $$worker $$simulator 2>/dev/null" EXIT INT TERM; \
	  $(VENV)/bin/gunicorn anjian.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile - --log-level warning

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy anjian
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: install assets messages dossier-font
	env -u DATABASE_URL $(VENV)/bin/pytest -m "not browser"

# PostgreSQL: DATABASE_URL when set, otherwise the local server when it answers.
test-postgres: install assets messages dossier-font
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then echo "PostgreSQL: no DATABASE_URL and no server on 127.0.0.1:5432, skipped"; \
	else DATABASE_URL="$$url" $(VENV)/bin/pytest -m "not browser and not fuzz"; fi

# The dossier PDF embeds a TrueType CJK font (AR PL UMing; reportlab embeds glyf outlines, not
# Noto CJK's CFF ones) and sets what it lacks (emoji, rare combining marks) in DejaVu Sans or
# Symbola (DOSSIER_FALLBACK_FONTS); installed only when missing; DOSSIER_FONT points elsewhere.
dossier-font:
	@dpkg -s fonts-arphic-uming fonts-dejavu-core fonts-symbola >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-uming fonts-dejavu-core fonts-symbola >/dev/null; }

# Debian's Chromium and a CJK font, installed only when missing (no browser download).
browser-deps:
	@dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test-browser: install assets messages browser-deps dossier-font
	env -u DATABASE_URL ANJIAN_CHROMIUM=$(CHROMIUM) \
	  ANJIAN_TEST_SQLITE_FILE=$(ANJIAN_VAR_DIR)/test-browser.sqlite3 $(VENV)/bin/pytest -m browser --create-db

test: check test-sqlite test-postgres test-browser

# Refresh the documentation's screenshots from the ones the browser tests just took.
docs-images: test-browser
	cp test-artifacts/*.png docs/images/

# LibreOffice (Debian's, headless) saves the import benchmark's workbook as .xls, the format
# many offices still send; installed only when missing.
bench-deps:
	@dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  libreoffice-calc-nogui >/dev/null; }

bench: install assets bench-deps
	$(PY) -m bench

# Mutation testing of the rule code (issue #17), not part of `make test`: mutmut mutates each
# module listed in pyproject's [tool.mutmut] only_mutate (one line per module), one module after
# another, each mutant against only the selected tests that run its code; then the score of each
# module, less the equivalent mutants of mutation/equivalent.toml. `make mutation
# MUTATE=anjian.standards.risk` runs one module. Starts afresh (mutants/ is rebuilt).
MUTATE ?= $(shell $(PY) mutation/score.py --modules)
MUTATION_JOBS ?= 2
mutation: install assets messages
	rm -rf mutants && mkdir -p $(ANJIAN_VAR_DIR)
	for module in $(MUTATE); do \
	  echo "mutmut: $$module"; log=$(ANJIAN_VAR_DIR)/mutation-$$module.log; \
	  env -u DATABASE_URL ANJIAN_SHARED_DATA=$(CURDIR)/../shared/data \
	    $(VENV)/bin/mutmut run --max-children $(MUTATION_JOBS) "$$module.*" >$$log 2>&1 \
	    || { tail -c 3000 $$log; exit 1; }; \
	done
	$(PY) mutation/score.py $(MUTATE)

# Regenerate the lock file from pyproject.toml (a maintainer's step, not part of the build).
lock:
	rm -rf /tmp/anjian-lock && $(PYTHON_BASE) -m venv /tmp/anjian-lock
	/tmp/anjian-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/anjian-lock/bin/pip freeze --exclude-editable | grep -v '^anjian' > requirements.lock

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
