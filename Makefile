# UnionPortal: `make run` serves the portal with demo data; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
# `make run PORT=8001` serves on another port; links in mails follow it unless PORTAL_BASE_URL is set.
PORT ?= 8000
PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint migrate clean screenshots

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@mkdir -p var/celery
	@echo "门户地址 Portal: http://127.0.0.1:$(PORT)/   (Ctrl+C 停止 / stop)"
	@echo "邮件（突发信息提醒等）打印在本控制台 / mail is printed on this console"
	@echo "后台任务 Celery worker + beat: var/celery/worker.log"
	@PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(VENV)/bin/celery -A unionportal worker -B -Q alerts,default -c 1 --loglevel=INFO \
	    --logfile=var/celery/worker.log --schedule=var/celery/beat-schedule & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

test: $(VENV)/.dev
	@if [ -n "$$CI" ]; then VENV=$(VENV) bash .ci/audit; fi
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=unionportal.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=unionportal.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

screenshots: $(VENV)/.dev
	$(PY) docs/screenshots.py

clean:
	rm -rf $(VENV) var db.sqlite3
