# The two quick-start commands of the README are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps lint messages check-deploy clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages: gettext for translations, a CJK font for PDFs, Chromium for
# the browser tests, poppler for looking at PDFs. Installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv

# Bring the portal up at http://127.0.0.1:8000 with demo data, on SQLite and
# in-process tasks (unset DATABASE_URL/REDIS_URL to be sure of that).
run: $(STAMP) system-deps messages
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py migrate -v0
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py demo_data
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite. Uses DATABASE_URL and REDIS_URL when set (CI sets them to
# the machine's PostgreSQL and Redis), SQLite and eager tasks otherwise.
test: $(STAMP) system-deps messages
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts
