# Two commands matter (see README): `make run` and `make test`. Both work on a fresh clone
# with only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo messages lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Mở trình duyệt tại: http://$(HOST):$(PORT)/"
	@echo "  (API: http://$(HOST):$(PORT)/api/docs/ — quản trị: http://$(HOST):$(PORT)/admin/)"
	@[ -x /usr/bin/soffice ] || echo "  (Văn bản PDF cần LibreOffice: sudo apt-get install libreoffice-writer-nogui fonts-liberation2 poppler-utils; thiếu thì vẫn tải được .docx)"
	@echo ""
	PORT=$(PORT) HOST=$(HOST) $(VENV)/bin/honcho start

test: install
	$(VENV)/bin/lint-imports
	$(PY) -m pytest $(PYTEST_ARGS)

messages: install
	$(PY) manage.py makemessages --locale vi --no-obsolete --no-location
	$(PY) scripts/compile_messages.py

bench: install
	bench/run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var staticfiles
