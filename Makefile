# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run   — the app on an embedded SQLite database with demo data
#   make test  — the whole test suite (installs Debian's chromium for the browser tests if missing),
#                the field app's JavaScript unit tests in Node first

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest arguments, e.g. `make test PYTEST_ARGS="-k sync -x"`
PYTEST_ARGS ?=
# Production-like settings for the deploy checks.
PROD_ENV := DEBUG=false SECRET_KEY=quality-check-only-$(shell date +%s)-not-a-real-secret-key-0123456789 ALLOWED_HOSTS=maraude.example.org

.PHONY: run demo-code test jstest clock-test faketime quality messages chromium nginx axe clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@mkdir -p var
	DEBUG=true $(PY) manage.py migrate --no-input -v0
	DEBUG=true $(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Maraude runs at http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@echo ""
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# The second-factor code of the demo coordinator, funder and administrator (README).
demo-code: $(STAMP)
	@DEBUG=true $(PY) manage.py demo_code

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# Test-only npm packages (never served by the app): axe-core for the accessibility checks of the
# browser tests, Lighthouse for the best-practices audit, fake-indexeddb for the field app's
# unit tests in Node. Installed again when the lock file changes.
FRONTEND_LOCK := tests/frontend/package-lock.json
FRONTEND_STAMP := tests/frontend/node_modules/.package-lock.json
axe:
	@[ -f $(FRONTEND_STAMP) ] && [ $(FRONTEND_STAMP) -nt $(FRONTEND_LOCK) ] || ! command -v npm >/dev/null 2>&1 || \
	  npm --prefix tests/frontend ci --no-audit --no-fund --silent

# nginx, for the deployment tests (`nginx -t` on deploy/nginx, and nginx in front of gunicorn).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for the deployment tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx; }

test: $(STAMP) chromium nginx axe jstest
	$(PY) -m pytest $(PYTEST_ARGS)

# The server-side suite again with the clock set to hours that broke it before: 12:45 in Paris (a
# night's day boundary is noon) and 02:30 summer time on the October night the hour repeats
# (docs/operations.md, "The nights clocks change"). Browsers, and the deploy tests' gunicorn
# children, cannot run on a faked clock: they are left out. Needs Debian's faketime.
CLOCKS := "2026-11-30 11:45:00" "2027-10-31 00:30:00"
faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  echo "Installing Debian's faketime for the clock tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq faketime; }

clock-test: $(STAMP) faketime
	@for moment in $(CLOCKS); do \
	  echo "The server-side suite at $$moment UTC"; \
	  faketime "$$moment" $(PY) -m pytest -q -n 2 -m "not browser" --ignore=tests/deploy \
	    -W "ignore:HarfBuzz-Subset:DeprecationWarning" $(PYTEST_ARGS) || exit 1; \
	done

# The field app's ES modules in Node's own test runner (tests/frontend/js/; Node 20+).
jstest: axe
	node --experimental-default-type=module --test tests/frontend/js/

quality: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=true $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages -l fr -l en --ignore=.venv --ignore=var --ignore=node_modules
	DEBUG=true $(PY) manage.py makemessages -d djangojs -l fr -l en --ignore=.venv --ignore=var --ignore='*/vendor/*' --ignore=node_modules
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) var
