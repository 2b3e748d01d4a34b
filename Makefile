# ClusterLink — two commands: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench install assets migrate serve worker clean messages

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# uv is in the lock, so it stays in the venv; `uv sync` removes pip, so pip only bootstraps it.
	test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end libraries come from the npm registry at build time and are served by the app.
assets: node_modules/.installed
	mkdir -p clusterlink/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js clusterlink/static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js clusterlink/static/vendor/echarts.min.js
	mkdir -p clusterlink/static/vendor/fonts
	cp node_modules/node-source-han-sans-sc/SourceHanSansSC-Regular.otf node_modules/node-source-han-sans-sc/SourceHanSansSC-Bold.otf node_modules/node-source-han-sans-sc/LICENSE clusterlink/static/vendor/fonts/

migrate: install
	$(PY) manage.py migrate --noinput

demo: install assets migrate
	$(PY) manage.py compile_translations -v0
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker for match and schedule runs (Ctrl-C stops both)"
	@# One shell, so that the worker stops with the server however the server ends.
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

serve: install assets
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --worker-class gthread --workers 3 --threads 4

worker: install
	$(PY) manage.py db_worker

test: install assets
	$(PY) manage.py compile_translations -v0
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

messages: install
	$(PY) manage.py makemessages --no-obsolete -l zh_Hans -l en -l ja --ignore=.venv --ignore=node_modules --ignore=bench --ignore=tests

bench: install
	$(PY) -m bench.all

clean:
	rm -rf $(VENV) node_modules var static_build clusterlink/static/vendor
