# Cités de l'emploi — tâches courantes. `make demo` et `make test` sont les deux commandes du README.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PY := $(UV) run --frozen python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo install uv migrate test quality lint format serve-demo serve

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	$(UV) sync --frozen

migrate: install
	@mkdir -p var
	$(MANAGE) migrate --no-input -v0

# Base SQLite embarquée, contenu de démonstration, serveur ASGI (HTTP + websockets).
# Liens absolus des courriels (y compris ceux des commandes et tâches de fond) : l'adresse servie.
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: migrate
	$(MANAGE) load_demo
	@echo ""
	@echo "Plateforme de démonstration : http://$(HOST):$(PORT)/  (administration : /admin/)"
	$(MANAGE) runserver $(HOST):$(PORT)

# Topologie de production sur cette machine (PostgreSQL et Redis locaux) : WORKERS processus
# uvicorn sur des ports consécutifs à partir de PORT, plus le worker des tâches de fond.
# Ex. : make serve WORKERS=4 DATABASE_URL=postgres://postgres@127.0.0.1:5432/cites_emploi
WORKERS ?= 2
serve: install
	UV="$(UV)" WORKERS=$(WORKERS) HOST=$(HOST) PORT=$(PORT) deploy/serve.sh

quality: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen djlint --check $$(git ls-files '*.html')
	$(UV) run --frozen djlint --lint $$(git ls-files '*.html')
	$(MANAGE) makemigrations --check --dry-run
	PYTHONPATH=platform $(UV) run --frozen lint-imports

# The suite in parallel (pytest-xdist, one worker per core). xdist's default "load"
# distribution keeps each worker's tests in pytest-django's order (transactional tests, which
# empty the database, last); loadfile/loadscope do not, and later tests then miss the data of
# the migrations. PYTEST_XDIST="-n 0" runs the suite in one process.
PYTEST_XDIST ?= -n auto
test: quality
	$(UV) run --frozen pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

format: install
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .
	$(UV) run --frozen djlint --reformat $$(git ls-files '*.html') || true
