# Two commands: `make run` (install, seed, train if needed, start everything)
# and `make test` (install, train if needed, run the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.10 2>/dev/null || echo $(HOME)/.pyenv/versions/3.10.13/bin/python3.10)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt pyproject.toml | sha1sum | cut -c1-12)
SPACY_MODEL_WHEEL ?= https://github.com/explosion/spacy-models/releases/download/nl_core_news_sm-3.4.0/nl_core_news_sm-3.4.0-py3-none-any.whl

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install pipeline seed train validate bench nlu-report safety-report browser clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo ">> installing pinned dependencies into $(VENV) (first time: about 5 minutes)"
	@$(PY) -m pip install -q --upgrade "pip==24.0" > /tmp/jb-pip.log 2>&1 || (cat /tmp/jb-pip.log; exit 1)
	@$(PY) -m pip install -q -r requirements.txt -c constraints.txt > /tmp/jb-pip.log 2>&1 || (cat /tmp/jb-pip.log; exit 1)
	@echo ">> trying to install the Dutch spaCy model nl_core_news_sm (not on PyPI)"
	@timeout 90 $(PY) -m pip install -q --no-deps "$(SPACY_MODEL_WHEEL)" > /tmp/jb-pip.log 2>&1 \
		&& echo "   nl_core_news_sm installed" \
		|| echo "   nl_core_news_sm could not be downloaded here: using the fallback pipeline"
	@rm -f /tmp/jb-pip.log $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

pipeline: install
	@$(PY) -m bot.spacy_pipeline

# Adds content the database lacks; never overwrites what editors changed.
# To replace the database's content with the files: python -m knowledge.content_io import
seed: install
	@$(PY) -m knowledge.content_io import --only-new

train: pipeline
	@$(PY) -m scripts.train

validate: install
	@mkdir -p var
	@$(PY) -m rasa data validate --domain bot/domain.yml --data data --config bot/config.yml > var/validate.log 2>&1 \
		|| (cat var/validate.log; exit 1)
	@grep -h "UserWarning" var/validate.log | grep -vE "'(ask_article|input_[a-z_]+)'" || true
	@echo ">> rasa data validate: ok (ask_article and input_* have no training examples on purpose:"
	@echo "   button payloads and the InputGuard component set them)"

run: seed train
	@$(PY) -m scripts.services

test: train
	@mkdir -p var
	@$(MAKE) --no-print-directory validate
	@$(MAKE) --no-print-directory browser
	@$(PY) -m pytest

browser:
	@command -v chromium >/dev/null || (echo ">> installing Chromium for the widget test (Debian package)"; \
		(apt-get update -qq && apt-get install -y -qq chromium) > /tmp/apt-chromium.log 2>&1 \
		|| echo "   could not install chromium: the browser test will say why it is skipped")

bench: install
	@$(PY) -m scripts.bench

nlu-report: install
	@$(PY) -m scripts.retrieval_report

safety-report: train
	@$(PY) scripts/safety_eval.py tests/data/safety_holdout.tsv
	@$(PY) -m scripts.safety_nlu_report tests/data/safety_holdout.tsv

clean:
	rm -rf var
