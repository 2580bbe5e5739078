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


# Set 9 was measured once as unseen on 2026-12-04 (commit cd15307): acute 93.8%, suicide 97.7%,
# disclosure 94.5%, distress 88.8%, look-alike false alarms 19.1%. It is a development set since;
# the floors sit a little below what the current detector does on it. Sets 5-8 are training data now.
# Here now: acute 127/130, suicide 126/130, disclosure 106/110, distress 73/80, look-alikes 42/230.
SAFETY_FLOORS = {"acute": 0.95, "suicide": 0.95, "disclosure": 0.93, "distress": 0.88}
SAFETY_ALARM_CEILINGS = {"lookalike": 0.20, "ordinary": 0.02, "ood": 0.02}


def test_safety_on_the_development_set() -> None:
    rows = read_labelled(DATA / "safety_holdout_v9.tsv")[0]
    found = {level: 0 for level in LEVELS}
    total = {level: 0 for level in LEVELS}
    alarms = {kind: 0 for kind in SAFETY_ALARM_CEILINGS}
    nones = {kind: 0 for kind in SAFETY_ALARM_CEILINGS}
    for row in rows:
        level = detect(row.text).level
        if row.label == "none":
            nones[row.kind] += 1
            alarms[row.kind] += level is not None
            continue
        total[row.label] += 1
        found[row.label] += level is not None and (
            row.label == "distress" or LEVELS.index(level) <= LEVELS.index(row.label)
        )
    print({level: f"{found[level]}/{total[level]}" for level in LEVELS}, {k: f"{alarms[k]}/{nones[k]}" for k in nones})
    for level, floor in SAFETY_FLOORS.items():
        assert found[level] >= floor * total[level], (level, found[level], total[level])
    for kind, ceiling in SAFETY_ALARM_CEILINGS.items():
        assert nones[kind] and alarms[kind] <= ceiling * nones[kind], (kind, alarms[kind], nones[kind])


def test_held_out_sets_are_never_trained_on() -> None:
    seen = holdout_overlap.training_texts()
    found = holdout_overlap.overlaps(seen)
    assert len(seen) > 1000 and "safety_holdout_v9.tsv" in found and "conversations_holdout.yaml" in found
    assert {name: texts for name, texts in found.items() if texts} == {}
