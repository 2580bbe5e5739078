"""Provide the Dutch spaCy pipeline that Rasa's SpacyNLP loads from PIPELINE_DIR.

Prefers the trained `nl_core_news_sm` model. Where it cannot be installed (our
build machines reach only the package registries, and the model is not on
PyPI), it falls back to spaCy's own Dutch language class with the lookup
lemmatizer from spacy-lookups-data, and says so loudly. The pipeline's identity
is written next to it (identity.json); the trained Rasa model records it too
(see components/pipeline_guard.py), so a model is never served with another
pipeline than it was trained with.

    python -m bot.spacy_pipeline          # create or refresh, print the identity
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Dict

import spacy

REPO_ROOT = Path(__file__).resolve().parent.parent
PIPELINE_DIR = REPO_ROOT / "var" / "spacy" / "nl"
IDENTITY_FILE = "identity.json"
PREFERRED = "nl_core_news_sm"
FALLBACK = "blank:nl+lookup-lemmatizer"

log = logging.getLogger(__name__)


def preferred_available() -> bool:
    return spacy.util.is_package(PREFERRED)


def current_identity() -> Dict[str, str]:
    """What PIPELINE_DIR would hold on this machine right now."""
    if preferred_available():
        meta: Any = spacy.info(PREFERRED)
        return {"pipeline": PREFERRED, "version": str(meta.get("version", "?")), "spacy": spacy.about.__version__}
    return {"pipeline": FALLBACK, "version": "spacy-lookups-data", "spacy": spacy.about.__version__}


def read_identity(path: Path = PIPELINE_DIR) -> Dict[str, str]:
    file = path / IDENTITY_FILE
    return json.loads(file.read_text()) if file.exists() else {}


def ensure_pipeline(path: Path = PIPELINE_DIR) -> Dict[str, str]:
    """Write the pipeline to PATH unless the right one is already there."""
    identity = current_identity()
    if read_identity(path) == identity and (path / "meta.json").exists():
        return identity
    if identity["pipeline"] == PREFERRED:
        nlp = spacy.load(PREFERRED)
    else:
        nlp = spacy.blank("nl")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        nlp.meta["name"] = "blank_lookup"
    path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    (path / IDENTITY_FILE).write_text(json.dumps(identity, indent=2, sort_keys=True))
    return identity


FALLBACK_WARNING = (
    "\n!!! WARNING: the Dutch spaCy model nl_core_news_sm is not installed.\n"
    "!!! The bot runs on the FALLBACK pipeline: spacy.blank('nl') with the lookup\n"
    "!!! lemmatizer from spacy-lookups-data (no part-of-speech tags or vectors).\n"
    "!!! Install nl_core_news_sm and run `make run` again to retrain with it.\n"
)


def main() -> None:
    identity = ensure_pipeline()
    if identity["pipeline"] != PREFERRED:
        print(FALLBACK_WARNING, file=sys.stderr)
    print(json.dumps(identity, sort_keys=True))


if __name__ == "__main__":
    main()
