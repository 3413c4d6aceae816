# The README's two commands: `make serve` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SCALE_STAMP := $(VENV)/.installed-scale
MODEL_DIR ?= $(or $(FFD_MODEL_DIR),var/models/default)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test lint model browser-deps pg-deps db clean

# Reinstall only when the project's declared dependencies change.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Trains the default model on the embedded simulator data if none is saved.
model: $(STAMP)
	$(VENV)/bin/ffd default-model --out $(MODEL_DIR)

serve: model
	$(VENV)/bin/ffd serve --host $(HOST) --port $(PORT) --model $(MODEL_DIR)

# The tests also check the Ray engine (an optional extra for users) on a local instance.
$(SCALE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,scale]'
	touch $(SCALE_STAMP)

test: $(SCALE_STAMP) browser-deps pg-deps
	$(PY) -m pytest -q

# Debian's Chromium for tests/browser (Playwright drives it; it never downloads a browser).
browser-deps:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium; \
	else echo "browser-deps: no /usr/bin/chromium and not root: browser tests will skip"; fi

# Debian's PostgreSQL server binaries for the store's tests (tests/postgres.py starts a
# throwaway cluster from them; the package's own cluster is not needed and not started).
pg-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends postgresql; \
	else echo "pg-deps: no PostgreSQL and not root: the PostgreSQL store tests will skip"; fi

# Migrate the database of `make serve` (the server also does this when it starts).
db: $(STAMP)
	$(VENV)/bin/ffd db upgrade

lint: $(STAMP)
	$(VENV)/bin/ruff check detector models api training importers store tests benchmarks

clean:
	rm -rf $(VENV) var
