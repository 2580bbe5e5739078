"""Accuracy floors on the held-out sets, so a change that makes the bot worse
fails the suite. The figures themselves come from `make nlu-report` and
`make safety-report`; the floors sit a little below what was measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.db import session_scope
from knowledge.evaluation import evaluate, load_cases
from knowledge.retrieval import Index, docs_from_db
from knowledge.safety import LEVELS, detect, read_labelled
from scripts import holdout_overlap

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def index(content_db: str) -> Index:
    with session_scope() as session:
        return Index([d for d in docs_from_db(session) if d.slug != "gezinscoach"])


@pytest.mark.parametrize(
    "name,helpful_min,wrong_max",
    [
        # Set 6: measured once as unseen on 2026-12-03 (86.1% right through the
        # dialogue), now a development set; 96.1% helpful, 1.3% wrong here.
        ("retrieval_holdout6.yaml", 0.94, 0.025),
    ],
)
def test_retrieval_on_held_out_questions(index: Index, name: str, helpful_min: float, wrong_max: float) -> None:
    score = evaluate(index, load_cases(DATA / name))
    print("\n" + "\n".join(score.lines()))
    assert score.helpful >= helpful_min
    assert score.wrong_confident <= wrong_max
    assert score.null_answered <= 0.15 * score.null_total


@pytest.mark.parametrize(
    "name, distress_min",
    [
        ("safety_holdout_v5.tsv", 0.80),  # measured once as unseen (acute 94.9%, suicide 92.9%), then fixed; 89%
        ("safety_holdout_v7.tsv", 0.75),  # measured once as unseen (acute 94.4%, suicide 90.2%), then fixed; 80.6%
    ],
)
def test_safety_on_development_sets(name: str, distress_min: float) -> None:
    rows = [(row.label, row.text) for row in read_labelled(DATA / name)[0]]
    found = {level: 0 for level in LEVELS}
    total = {level: 0 for level in LEVELS}
    alarms = nones = 0
    for label, text in rows:
        level = detect(text).level
        if label == "none":
            nones += 1
            alarms += level is not None
            continue
        total[label] += 1
        found[label] += level is not None and (label == "distress" or LEVELS.index(level) <= LEVELS.index(label))
    assert found["acute"] == total["acute"], "an acute message was missed"
    assert found["suicide"] == total["suicide"], "a suicide message was missed"
    assert found["disclosure"] >= 0.95 * total["disclosure"]
    assert found["distress"] >= distress_min * total["distress"]
    assert alarms <= 0.05 * nones


def test_held_out_sets_are_never_trained_on() -> None:
    seen = holdout_overlap.training_texts()
    found = holdout_overlap.overlaps(seen)
    assert len(seen) > 1000 and "safety_holdout_v9.tsv" in found and "conversations_holdout.yaml" in found
    assert {name: texts for name, texts in found.items() if texts} == {}
