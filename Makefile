# Two commands: `make run` (install, seed, train if needed, start everything)
# and `make test` (install with the test tools, then check in stages).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.10 2>/dev/null || echo $(HOME)/.pyenv/versions/3.10.13/bin/python3.10)
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run-$(shell cat requirements.txt constraints.txt pyproject.toml | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt constraints.txt pyproject.toml | sha1sum | cut -c1-12)
SPACY_MODEL_WHEEL ?= https://github.com/explosion/spacy-models/releases/download/nl_core_news_sm-3.4.0/nl_core_news_sm-3.4.0-py3-none-any.whl
PIP_LOG := var/log/pip.log
STAGE = @printf '\n==== %s ====\n' $(1)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1
# Rasa's training cache stays out of the checkout.
export RASA_CACHE_DIRECTORY := $(CURDIR)/var/rasa-cache

.PHONY: run test install install-dev pipeline seed train validate lint unit e2e bench nlu-report \
	safety-report browser stories clean

$(RUN_STAMP): requirements.txt constraints.txt pyproject.toml
	@mkdir -p var/log
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo ">> installing pinned dependencies into $(VENV) (first time: about 5 minutes; log: $(PIP_LOG))"
	@$(PY) -m pip install -q --upgrade "pip==24.0" > $(PIP_LOG) 2>&1 || (cat $(PIP_LOG); exit 1)
	@$(PY) -m pip install -q -r requirements.txt -c constraints.txt >> $(PIP_LOG) 2>&1 || (cat $(PIP_LOG); exit 1)
	@echo ">> trying to install the Dutch spaCy model nl_core_news_sm (not on PyPI)"
	@timeout 90 $(PY) -m pip install -q --no-deps "$(SPACY_MODEL_WHEEL)" >> $(PIP_LOG) 2>&1 \
		&& echo "   nl_core_news_sm installed" \
		|| echo "   nl_core_news_sm could not be downloaded here: using the fallback pipeline"
	@rm -f $(VENV)/.installed-run-*
	@touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	@echo ">> installing the test tools (requirements-dev.txt)"
	@$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt >> $(PIP_LOG) 2>&1 || (cat $(PIP_LOG); exit 1)
	@rm -f $(VENV)/.installed-dev-*
	@touch $(DEV_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

pipeline: install
	@$(PY) -m bot.spacy_pipeline

# Adds content the database lacks; never overwrites what editors changed.
# To replace the database's content with the files: python -m knowledge.content_io import
seed: install
	@$(PY) -m knowledge.content_io import --only-new

train: pipeline
	@$(PY) -m scripts.train

validate: install
	@mkdir -p var/log
	@$(PY) -m rasa data validate --domain bot/domain.yml --data data --config bot/config.yml > var/log/validate.log 2>&1 \
		|| (cat var/log/validate.log; exit 1)
	@grep -h "UserWarning" var/log/validate.log | grep -vE "'(ask_article|input_[a-z_]+|safety_check_failed|utter_cannot_look_up)'" || true
	@echo ">> rasa data validate: ok (ask_article, input_* and safety_check_failed have no training examples"
	@echo "   on purpose: button payloads and the InputGuard and SafetyDetector components set them;"
	@echo "   the REST channel sends utter_cannot_look_up)"

lint: install-dev
	@$(VENV)/bin/ruff check knowledge actions bot webapp scripts tests
	@$(VENV)/bin/ruff format --check knowledge actions bot webapp scripts tests
	@$(VENV)/bin/mypy
	@echo ">> ruff and mypy: ok"

unit: install-dev pipeline
	@$(PY) -m pytest -m "not e2e and not trained"

e2e: install-dev train browser stories
	@$(PY) -m pytest -m "e2e or trained"

# Rasa test stories: each message through the trained NLU pipeline, each next
# action predicted; any wrong prediction fails.
stories: install-dev train
	@mkdir -p var/log
	@$(PY) -m rasa test core --model "$$($(PY) -c 'from scripts.train import model_path; print(model_path())')" \
		--stories tests/test_stories.yml --fail-on-prediction-errors --out var/rasa-test > var/log/rasa-test.log 2>&1 \
		|| (tail -n 40 var/log/rasa-test.log; cat var/rasa-test/failed_test_stories.yml 2>/dev/null; exit 1)
	@grep -h "Correct:" var/log/rasa-test.log | head -1 | sed 's/.*Correct:/>> rasa test stories: correct/'

# `make run` is the development setup: it says so, and only there do the
# development defaults (a staff account medewerker/medewerker) exist.
run: export JB_ENV := development
run: seed train
	@echo ">> development mode (JB_ENV=development): cookies over http, a development account:"
	@$(PY) -m knowledge.users dev-account
	@echo "   Without JB_ENV there are no accounts and no defaults: make them with python -m knowledge.users create."
	@$(PY) -m scripts.services

test: install-dev
	$(call STAGE,"1/5 lint and types (ruff, mypy)")
	@$(MAKE) --no-print-directory lint
	$(call STAGE,"2/5 rasa data validate")
	@$(MAKE) --no-print-directory validate
	$(call STAGE,"3/5 unit tests")
	@$(MAKE) --no-print-directory unit
	$(call STAGE,"4/5 training")
	@$(MAKE) --no-print-directory train
	$(call STAGE,"5/5 end-to-end and browser tests")
	@$(MAKE) --no-print-directory e2e

# Debian's Chromium for the widget's browser tests (Playwright drives it; no browser download).
# axe-core, the accessibility checker, is vendored and pinned in tests/vendor/.
browser:
	@command -v chromium >/dev/null || (echo ">> installing Chromium for the widget tests (Debian package)"; \
		mkdir -p var/log; (apt-get update -qq && apt-get install -y -qq chromium) > var/log/apt-chromium.log 2>&1 \
		|| (echo "!! could not install chromium (see var/log/apt-chromium.log): the widget's browser tests need it"; exit 1))
	@chromium --version 2>/dev/null | head -1

# Speed: the parts in-process, then the running stack beside stock Rasa (docs/performance.md;
# about 15 minutes on a quiet machine, longer while the load average is above 0.7).
bench: train
	@$(PY) -m scripts.bench
	@$(PY) -m scripts.bench_stack

# Writes docs/nlu-report.md (about 10 minutes: Rasa's cross-validation trains 3 models).
nlu-report: pipeline
	@$(PY) -m scripts.retrieval_report --rasa-cv --write docs/nlu-report.md

SAFETY_SETS := $(sort $(wildcard tests/data/safety_holdout*.tsv))

# Held-out figures (no message text): the detector, then the whole trained NLU pipeline.
safety-report: train
	@$(PY) -m scripts.safety_report $(SAFETY_SETS)
	@$(PY) -m scripts.safety_nlu_report $(SAFETY_SETS)

clean:
	rm -rf var
