# make serve  -- set up, build when the seeds changed, serve at http://127.0.0.1:$(PORT)/
# make test   -- the whole test suite
# make build  -- only build literature.db

PORT ?= 8001
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := literature.db
INSPECT := inspect-data.json

CHROMIUM := /usr/bin/chromium-headless-shell
NGINX := /usr/sbin/nginx

.PHONY: serve build test screenshots clean FORCE chromium nginx bench loadtest release serve-cluster

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Every input of the build: its code (readers included), the topic vocabulary, the seeds.
# The seeds as a listing (every file below seeds/, its size and time; hidden ones are not
# seeds: litdb/build.py seed_files), rewritten only when it changes: a file added,
# removed or changed in any subfolder rebuilds, and names with spaces ("savedrecs
# (1).txt", a browser's second download) are no make prerequisites of their own.
SEEDS_LISTING := .seeds-listing
$(SEEDS_LISTING): FORCE
	@find seeds -name '.*' -prune -o -type f -printf '%p\t%s\t%T@\n' | LC_ALL=C sort > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
FORCE:

$(DB): $(VENV)/.installed build.py $(wildcard litdb/*.py litdb/readers/*.py) litdb/topics.yml $(SEEDS_LISTING)
	$(PY) build.py --seeds seeds --db $(DB)

$(INSPECT): $(DB)
	$(VENV)/bin/datasette inspect $(DB) --inspect-file $(INSPECT)

build: $(DB) $(INSPECT)

serve: build
	$(PY) -m litdb.serve --port $(PORT) --db $(DB) --inspect-file $(INSPECT)

test: $(VENV)/.installed chromium nginx node_modules/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

# The browser tests again, writing a full-page screenshot of every page they check to
# test-artifacts/ (off in `make test`: no test reads them, and they cost CPU).
screenshots: $(VENV)/.installed chromium nginx node_modules/.installed
	LITDB_SCREENSHOTS=1 $(PY) -m pytest tests/test_browser.py tests/test_browser_pages.py \
		tests/test_browser_datasette_pages.py tests/test_search.py $(PYTEST_ARGS)

# axe-core for the accessibility checks of the browser tests (package.json, from the npm registry).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# make release [PREVIOUS=dist-old/] [VERSION=2026.12] -- dist/ from literature.db (docs/deploy.md)
release: $(DB)
	$(PY) scripts/release.py --db $(DB) --out dist $(if $(PREVIOUS),--previous $(PREVIOUS)) $(if $(VERSION),--version $(VERSION))

# make serve-cluster -- Datasette processes (one per core, and a spare) behind nginx, at http://127.0.0.1:$(PORT)/
serve-cluster: build nginx
	$(PY) scripts/cluster.py --port $(PORT) --db $(DB) --inspect-file $(INSPECT)

# make loadtest -- a >=10,000-paper corpus, single process then the cluster (a SIGKILL every 10 s), each warmed 30 s,
# 32 visitors for 60 s each, on 127.0.0.1 (LOADTEST_ARGS="--duration 120 --concurrency 64")
loadtest: $(VENV)/.installed nginx
	$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# The browser tests drive Debian's chromium-headless-shell (Chromium's old headless mode, the
# build Playwright runs for headless tests; never a downloaded browser). Installed here when
# missing and we are root; otherwise the tests use Debian's chromium, or skip (and CI fails).
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing chromium-headless-shell (Debian package) for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null; \
	  else echo "chromium-headless-shell is missing and cannot be installed (not root): browser tests use chromium or skip"; fi; }

# nginx (Debian's package) fronts the processes of serve-cluster; installed when missing.
nginx:
	@test -x $(NGINX) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing nginx (Debian package)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else echo "nginx is missing and cannot be installed (not root): cluster tests will skip"; fi; }

clean:
	rm -f $(DB) $(INSPECT) $(SEEDS_LISTING)

# Build and serving benchmark: make bench N=10000; add RECORD=docs/benchmarks.md to keep the table.
N ?= 100000
bench: $(VENV)/.installed
	$(PY) scripts/bench.py --n $(N) $(if $(RECORD),--record $(RECORD))
