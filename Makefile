# samspil — make run, make test; see README.md.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed-core
STAMP_TF := $(VENV)/.installed-transformer
MODEL := models/samspil-linear
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: all run test train eval bench lint corpus corpus-check compare wheel clean install install-transformer

all: run

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c constraints.txt -e ".[dev,dask]"
	touch $@

install: $(STAMP)

$(STAMP_TF): $(STAMP)
	$(PIP) install -q -c constraints.txt -e ".[dev,dask,transformer]"
	touch $@

install-transformer: $(STAMP_TF)

run: $(STAMP)
	mkdir -p out
	$(BIN)/samspil classify examples --format table
	$(BIN)/samspil classify examples --format jsonl --out out/results.jsonl
	@echo "wrote out/results.jsonl"

test: $(STAMP_TF)
	$(BIN)/python -m pytest

train: $(STAMP)
	$(BIN)/samspil train --out $(MODEL)

eval: $(STAMP)
	$(BIN)/samspil evaluate --model $(MODEL)

corpus: $(STAMP)
	$(BIN)/python training/build_corpus.py

compare: $(STAMP_TF)
	$(BIN)/python training/compare_backends.py

corpus-check: $(STAMP)
	$(BIN)/python training/check_corpus.py

bench: $(STAMP)
	$(BIN)/python training/bench.py

lint: $(STAMP)
	$(BIN)/ruff check nlp tests training

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) out dist build .pytest_cache
