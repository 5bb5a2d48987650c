# The two commands of the README: `make demo` and `make test`.
# Both create the virtualenv in .venv on first use and install the pinned dependencies.

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install lint

$(STAMP): pyproject.toml constraints.txt scripts/setup
	PYTHON=$(PYTHON) scripts/setup
	touch $(STAMP)

install: $(STAMP)

# The demo keeps its own data folder so its simulated TPS never mix with real data.
demo: $(STAMP)
	PILKADA_DATA_DIR="$${PILKADA_DATA_DIR:-$(CURDIR)/pilkada-demo}" $(VENV)/bin/pilkada demo

test: $(STAMP)
	scripts/test

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
