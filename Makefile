# Every target does its own set-up: a fresh machine needs only Python 3.11, pip and make.
# CI runs exactly these targets (.ci/run calls `make test`).

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp
CONSTRAINTS = requirements/constraints.txt

.PHONY: help venv book test bench lint release lock clean

help:
	@echo "make venv     set up .venv only (students: then work and self-check)"
	@echo "make book     build the book into _build/html (every page executed)"
	@echo "make test     run the whole test suite (what CI runs)"
	@echo "make bench    time book builds, and sandboxed grading against plain nbgrader"
	@echo "make lint     ruff over the project"
	@echo "make release  regenerate exercises/ from solutions/"
	@echo "make clean    remove _build and the virtual environment"

venv: $(STAMP)

# Re-install only when the dependency list or the lock changes.
$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	# Quiet the kernel's "running over TCP without encryption" warning: local kernels only,
	# and the warning would fail the book's -W build and clutter grading logs.
	$(PY) -m autograder.kernelspec
	touch $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n auto --dist loadgroup

# Speed is measured here, as numbers to read, never as timed assertions in the tests.
bench: $(STAMP)
	$(PY) benchmarks/book_build.py
	$(PY) benchmarks/grading.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

release: $(STAMP)
	$(PY) -m autograder release

# Refresh the exact versions CI installs, from a clean resolve of pyproject.toml's ranges.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "torch==2.13.0" -e ".[dev]"
	{ echo "# Exact versions CI installs (make test / make book): a lock for reproducible builds."; \
	  echo "# Regenerate with: make lock   (pyproject.toml keeps the looser ranges for users)."; \
	  .lock-venv/bin/pip freeze --exclude-editable | sed 's/+cpu$$//'; } > $(CONSTRAINTS)
	rm -rf .lock-venv

clean:
	rm -rf _build $(VENV)
