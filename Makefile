# `make test` and `make plan` do all of their own set-up on a fresh machine:
# they create .venv, install the package with the extras they need, then run.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRAS ?= test,gcp,azure
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: test lint plan docs bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[$(EXTRAS)]'
	touch $@

# docs/generate.py only: ruff would also reformat the Python examples inside docs/*.md
LINTED := immutable_components tests stacks benchmarks docs/generate.py examples

test: lint
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check $(LINTED)
	$(PY) -m ruff format --check $(LINTED)
	$(PY) -m mypy
	$(PY) -m mypy docs/generate.py examples/minimal/__main__.py

plan: $(STAMP)
	$(VENV)/bin/immutable plan

# the generated tables and --help blocks in docs/ (tests/test_docs.py checks them)
docs: $(STAMP)
	$(PY) docs/generate.py

clean:
	rm -rf $(VENV)
