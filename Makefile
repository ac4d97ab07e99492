# Common tasks. `make run` and `make test` each set everything up first.
VENV ?= .venv
BIN := $(VENV)/bin
LABEL ?= examples/labels/magnesium_glycinate.txt
# A photo to scan; empty: a Supplement Facts photo made by the seeded generator.
PHOTO ?=

.PHONY: setup run scan parse test lint typecheck unit bench clean

setup:
	@scripts/bootstrap.sh

# The service on loopback with auth off (local use); see README "Service" for keys.
run: setup
	LABELSCAN_AUTH_DISABLED=1 $(BIN)/labelscan serve --host 127.0.0.1 --port 8000

scan: setup
	@if [ -n "$(PHOTO)" ]; then $(BIN)/labelscan scan $(PHOTO); else \
	  $(BIN)/python -m bench.synth.generate --out var/example --count 3 --seed 3 >/dev/null && \
	  $(BIN)/labelscan scan var/example/images/0003.jpg; fi

parse: setup
	$(BIN)/labelscan parse $(LABEL)

test: setup lint typecheck unit

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest -q

bench: setup
	$(BIN)/python bench/parse_speed.py
	$(BIN)/python bench/dsld_coverage.py
	$(BIN)/python bench/ocr_accuracy.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
