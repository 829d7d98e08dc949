# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-test serve lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Development server with the reference disclosure loaded; safe to run again.
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_disclosure --keep-existing
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_admin
	@echo ""
	@echo "  公开门户：http://127.0.0.1:$(PORT)/"
	@echo "  管理后台：http://127.0.0.1:$(PORT)/admin/ （本地账号 $${LOCAL_ADMIN_USERNAME:-admin}，密码 $${LOCAL_ADMIN_PASSWORD:-admin}）"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode on this machine: migrations, collectstatic, check --deploy, gunicorn
# (README “生产部署”; PORT, HOST, WEB_WORKERS, WEB_THREADS and the DJANGO_* variables apply).
serve: install
	BIN=$(BIN) ./bin/serve

lint: install-test
	$(BIN)/ruff check .

# Lint and the whole suite; set DATABASE_URL=postgres://… to run it on PostgreSQL. Tests run in
# one process per core (pytest-xdist; each has its own test database); TEST_WORKERS=0 runs them
# in this process.
TEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

# Serving a whole city (README “性能基准”): seeds PostgreSQL benchmark databases once, serves the
# portal in production mode and prints the ratios against a static file. Not a test.
bench: install-test
	$(BIN)/python tests/benchmarks/bench_serving.py $(BENCH_ARGS)
