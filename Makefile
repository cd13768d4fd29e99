# Surveillance Export Tracker. `make run` serves the site; `make test` runs the whole suite.
# Both work from a fresh clone on a machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
# The stamp files make "install" re-run only when pyproject.toml changes.
STAMP_APP := $(VENV)/.installed-app
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: help install install-dev setup run dev test chromium lint check data map bench clean \
	catalogues messages gettext

help:
	@echo "make run      set up (venv, install, migrate, load the article's data, static) and serve on http://$(HOST):$(PORT)"
	@echo "make run-pair two app servers (PORT, PORT2) on one PostgreSQL and one Redis"
	@echo "make test     install the test tools and run the whole suite"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make dev      Django's development server with DEBUG on"
	@echo "make data     regenerate fixtures/imported.json from ../shared/data"
	@echo "make bench    measure exports' memory as rows grow (see README, Benchmarks)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_APP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(STAMP_APP)

install: $(STAMP_APP)
install-dev: $(STAMP_DEV)

# Migrations load every country and the technology vocabulary; load_site_data loads each
# fixture once per database (a restart never undoes editors' work; --update loads a changed
# file) and gives each record its first history entry, so that the first edit of a loaded entry
# shows readers what it changed.
setup: install catalogues
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_site_data
	$(BIN)/python manage.py setup_roles
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0

# Serving with DEBUG off needs SECRET_KEY (tracker/ops/startup.py): on this machine, unless one
# is set, use the key that settings generated into var/ during setup. Production sets its own.
# gunicorn's settings (threaded workers, so that long exports are not killed by the worker
# timeout) are in tracker/ops/gunicorn_config.py, the same file production uses (docs/deploy.md).
GUNICORN := $(BIN)/gunicorn -c python:tracker.ops.gunicorn_config tracker.wsgi
THREADS ?= 4
run: setup
	SECRET_KEY="$${SECRET_KEY:-$$(cat "$${VAR_DIR:-var}/secret_key")}" \
	  $(GUNICORN) --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS)

# Two app servers on PORT and PORT2 against one database and one Redis (REDIS_URL, default the
# local one), as production runs several behind nginx: a publish through one is seen through
# the other at once (docs/deploy.md, "Several app servers"). Needs DATABASE_URL (PostgreSQL).
PORT2 ?= 8001
REDIS_URL ?= redis://127.0.0.1:6379/0
.PHONY: run-pair
run-pair: setup
	@test -n "$$DATABASE_URL" || { echo "make run-pair needs DATABASE_URL (PostgreSQL)"; exit 1; }
	export REDIS_URL="$(REDIS_URL)" SECRET_KEY="$${SECRET_KEY:-$$(cat "$${VAR_DIR:-var}/secret_key")}"; \
	  $(GUNICORN) --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) & first=$$!; \
	  trap 'kill $$first 2>/dev/null' EXIT INT TERM; \
	  $(GUNICORN) --bind $(HOST):$(PORT2) --workers $(WORKERS) --threads $(THREADS)

dev: setup
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Debian packages the tests need: installed when we can (root with apt), else we say how.
# $(call apt_package,command it provides,package,what needs it)
define apt_package
	@if ! command -v $(1) >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's $(2) ($(3))"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) >/dev/null \
	      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) >/dev/null; }; \
	  else \
	    echo "$(3) need $(1): sudo apt-get install $(2)"; exit 1; \
	  fi; \
	fi
endef

# The browser tests drive Debian's Chromium (/usr/bin/chromium), never Playwright's downloads.
chromium:
	$(call apt_package,chromium,chromium,the browser tests)

# The suite in two processes (pytest-xdist; whole files to each, so class and module fixtures
# are built once): on two cores about half the time of one. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= 2
# More pytest options, e.g. PYTEST_ARGS='-m "not browser"' or PYTEST_ARGS=tests/test_map.py
PYTEST_ARGS ?=

test: install-dev chromium catalogues gettext
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# French and English (issue 14). The catalogues' sources (tracker/locale/*/LC_MESSAGES/django.po)
# are committed; the compiled .mo files are built here, by Babel in Python, so serving needs no
# gettext. `make messages` brings the .po files up to date with the code and templates (it needs
# GNU gettext's xgettext, as the test that no string lacks its French translation does).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard tracker/locale/*/LC_MESSAGES/django.po))
catalogues: $(CATALOGUES)
tracker/locale/%/LC_MESSAGES/django.mo: tracker/locale/%/LC_MESSAGES/django.po | $(STAMP_APP)
	$(BIN)/pybabel -q compile --domain django --directory tracker/locale --locale $*

MESSAGES_IGNORE := --ignore=tests --ignore=staticfiles --ignore=var --ignore=build --ignore=mutants
messages: install gettext
	$(BIN)/python manage.py makemessages --locale fr --no-obsolete $(MESSAGES_IGNORE)

gettext:
	$(call apt_package,xgettext,gettext,makemessages and the test of missing translations)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Regenerate fixtures/imported.json from ../shared/data (Privacy International's SII transfers
# and Carnegie's AIGS 2019) with the importers, in a scratch SQLite database: the configured
# database is never touched. Commit the result; the raw files stay out of the repository.
data: install
	$(BIN)/python -m tracker.importers.fixture --data ../shared/data --output fixtures/imported.json

# Rebuild the map's shapes (tracker/data/world_shapes.json) from Natural
# Earth 1:50m as packaged by world-atlas on the npm registry. Only needed to change the map.
map: install
	@tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent world-atlas@2 >/dev/null && tar xzf world-atlas-2.*.tgz) \
	  && $(BIN)/python manage.py build_world_shapes $$tmp/package/countries-50m.json; rm -rf $$tmp

# Peak memory of CSV and JSON exports at 1,000, 3,000 and 6,000 rows, on a throwaway SQLite.
bench: install
	$(BIN)/python bench/export_memory.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info

# Backups of the PostgreSQL database named by DATABASE_URL (docs/deploy.md): pg_dump's custom
# format, compressed, restorable table by table. `make restore BACKUP=file` replaces what the
# database holds with the file's contents; stop the site (or take it out of the proxy) first.
BACKUP_DIR ?= var/backups
BACKUP ?=

.PHONY: backup restore
backup:
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make backup: set DATABASE_URL=postgres://..."; exit 1;; esac
	@mkdir -p $(BACKUP_DIR)
	pg_dump --format=custom --no-owner --file="$(BACKUP_DIR)/tracker-$$(date -u +%Y%m%dT%H%M%SZ).dump" "$$DATABASE_URL"
	@ls -1t $(BACKUP_DIR)/tracker-*.dump | head -n1

restore:
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make restore: set DATABASE_URL=postgres://..."; exit 1;; esac
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=var/backups/tracker-....dump"; exit 1; }
	pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$$DATABASE_URL" "$(BACKUP)"
	@# Restored behind the site's back: readers' cached pages must not show what was replaced.
	$(BIN)/python manage.py invalidate_pages

# Mutation testing (docs/testing.md), with mutmut as configured in pyproject.toml ([tool.mutmut]):
# each one-line change to the modules listed there must make a test fail. Slow (tens of minutes
# on two cores), so never run by `make test` nor in CI. Per mutant, mutmut runs only the tests
# that called the mutated function, stopping at the first failure (-x). Results are kept in
# mutants/ (ignored by git), so a second run re-tests only what changed; the per-module summary
# is written to mutants/summary.txt. One module: make mutate MUTANTS='tracker.browse.filters.*'
MUTATE_CHILDREN ?= 2
MUTANTS ?=

# Each mutant's tests start from a copy of this migrated SQLite database (tests/conftest.py),
# rebuilt when a migration changes.
MUTATE_TEMPLATE := var/mutate-template.sqlite3

$(MUTATE_TEMPLATE): $(wildcard tracker/migrations/*.py)
	@mkdir -p var && rm -f $@
	DATABASE_URL=sqlite:///$(CURDIR)/$@ $(BIN)/python manage.py migrate --verbosity 0

# The one-line changes issue 15 found surviving, each applied alone against the tests that must
# now catch it (tools/known_mutations.py; a few minutes). Some: make known-mutations ONLY=history
.PHONY: known-mutations
known-mutations: install-dev $(MUTATE_TEMPLATE)
	TRACKER_TEST_DB_TEMPLATE=$(CURDIR)/$(MUTATE_TEMPLATE) $(BIN)/python tools/known_mutations.py $(ONLY)

.PHONY: mutate
mutate: install-dev catalogues $(MUTATE_TEMPLATE)
	@mkdir -p mutants && echo '*' > mutants/.gitignore
	-TRACKER_TEST_DB_TEMPLATE=$(CURDIR)/$(MUTATE_TEMPLATE) \
	  $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) $(MUTANTS)
	@echo '*' > mutants/.gitignore
	@$(BIN)/mutmut results --all true | awk -F': ' ' \
	  NF == 2 { m = $$1; gsub(/^[ \t]+/, "", m); sub(/\.[^.]*$$/, "", m); \
	            total[m]++; n[m, $$2]++ } \
	  END { for (m in total) { k = n[m, "killed"] + n[m, "timeout"]; \
	          s = n[m, "survived"] + n[m, "suspicious"]; \
	          printf "%-28s %8d %7d %9d %9d %12d %7s\n", m, total[m], k, s, n[m, "no tests"], \
	            n[m, "not checked"], (k + s) ? sprintf("%.0f%%", 100 * k / (k + s)) : "-" } }' \
	  | sort > mutants/summary.body
	@{ printf "%-28s %8s %7s %9s %9s %12s %7s\n" module mutants killed survived "no tests" \
	     "not checked" score; cat mutants/summary.body; \
	   echo; echo "score = killed / (killed + survived); equivalent survivors: docs/testing.md"; \
	   echo "survivors: $(BIN)/mutmut results; one mutant's diff: $(BIN)/mutmut show NAME"; \
	 } > mutants/summary.txt && rm mutants/summary.body && cat mutants/summary.txt

# Public pages under load at 10,000 and 100,000 synthetic entries (bench/web.py, results in
# docs/performance.md): builds PostgreSQL databases bench_web_<N> with generate_synthetic, serves
# each with gunicorn as `make run` does and drives it with wrk: every page and the bare view
# uncached, then home and the lists from the page cache; Datasette beside the list; a full CSV
# export (time, peak RSS); the site's real entries (bench_web_real) under 32 readers. Needs wrk
# (apt-get install wrk) and a PostgreSQL server where BENCH_PG may create databases. Add 1M
# (several minutes to build, an hour for its export): BENCH_WEB_ARGS="--million --datasette
# --export --real"; the cache in Redis as in production: add --redis (redis://127.0.0.1:6379/13).
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_WEB_ARGS ?= --datasette --export --real

.PHONY: bench-web
bench-web: install
	@command -v wrk >/dev/null || { echo "make bench-web needs wrk: sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/web.py --pg $(BENCH_PG) $(BENCH_WEB_ARGS)
