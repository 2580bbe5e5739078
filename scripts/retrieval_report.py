"""Retrieval accuracy: development folds and the held-out question set.

    python -m scripts.retrieval_report [--mistakes]

Development: the articles' own example questions, 5-fold (index on 4/5, ask the
other 1/5). Held-out: tests/data/retrieval_holdout*.yaml, written without
sight of the articles and not trained on (see the README on how they were used).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

from knowledge.content_io import import_content
from knowledge.db import session_scope
from knowledge.evaluation import RetrievalScore, evaluate, folds
from knowledge.retrieval import (
    ANSWER_MARGIN,
    ANSWER_MIN,
    CHOOSE_MIN,
    Index,
    docs_from_db,
)

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
HOLDOUTS = [DATA / "retrieval_holdout.yaml", DATA / "retrieval_holdout2.yaml"]


def show(title: str, score: RetrievalScore, mistakes: bool) -> None:
    print(f"\n== {title}")
    print("\n".join(score.lines()))
    if mistakes:
        for m in score.mistakes:
            print("   ", m)


def main() -> None:
    mistakes = "--mistakes" in sys.argv
    # A scratch database: measuring must never touch the content editors work on.
    url = f"sqlite:///{tempfile.mkdtemp()}/measure.db"
    import_content(url=url)
    with session_scope(url) as session:
        docs = docs_from_db(session)
    print(f"thresholds: answer >= {ANSWER_MIN} with margin {ANSWER_MARGIN}; choose >= {CHOOSE_MIN}")
    for n, (train, test) in enumerate(folds(docs, 5)):
        show(f"development fold {n + 1} (example questions)", evaluate(Index(train), test), mistakes)
    index = Index(docs)
    for holdout in HOLDOUTS:
        cases = [(c["q"], c["slug"]) for c in yaml.safe_load(holdout.read_text(encoding="utf-8"))]
        show(f"held-out questions ({holdout.name})", evaluate(index, cases), mistakes)


if __name__ == "__main__":
    main()
