# Common tasks. `make run` and `make test` each set everything up first.
VENV ?= .venv
BIN := $(VENV)/bin
LABEL ?= examples/labels/magnesium_glycinate.txt

.PHONY: setup run parse test lint typecheck unit bench clean

setup:
	@scripts/bootstrap.sh

run: setup
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

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
