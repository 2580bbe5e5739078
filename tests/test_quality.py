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
# disclosure 94.5%, distress 88.8%, look-alike false alarms 19.1%. Set 10 was measured once on
# 2026-12-08 (commit 609211a): acute 100%, suicide 98.5%, disclosure 96.4%, distress 92.5%,
# look-alike false alarms 13.5%. Both are development sets since; the floors sit a little below
# what the current detector does on them (sets 5-8 are training data now).
SAFETY_SETS = {
    # Set 9 here now: acute 130/130, suicide 130/130, disclosure 109/110, distress 79/80, look-alikes 11/230.
    "safety_holdout_v9.tsv": (
        {"acute": 0.98, "suicide": 0.98, "disclosure": 0.96, "distress": 0.94},
        {"lookalike": 0.07, "ordinary": 0.02, "ood": 0.02},
    ),
    # Set 10 as measured: acute 130/130, suicide 128/130, disclosure 106/110, distress 74/80, look-alikes
    # 31/230; here now, after reading its errors: 130/130, 130/130, 109/110, 79/80, look-alikes 11/230.
    "safety_holdout_v10.tsv": (
        {"acute": 0.98, "suicide": 0.98, "disclosure": 0.96, "distress": 0.94},
        {"lookalike": 0.07, "ordinary": 0.02, "ood": 0.02},
    ),
    # Set 11 as measured once (commit a9d1ca3): acute 127/130, suicide 122/128, disclosure 108/110,
    # distress 64/80, look-alikes 43/230; its errors not read yet.
    "safety_holdout_v11.tsv": (
        {"acute": 0.96, "suicide": 0.93, "disclosure": 0.96, "distress": 0.77},
        {"lookalike": 0.20, "ordinary": 0.02, "ood": 0.02},
    ),
}


@pytest.mark.parametrize("name", sorted(SAFETY_SETS))
def test_safety_on_the_development_sets(name: str) -> None:
    floors, ceilings = SAFETY_SETS[name]
    rows = read_labelled(DATA / name)[0]
    found = {level: 0 for level in LEVELS}
    total = {level: 0 for level in LEVELS}
    alarms = {kind: 0 for kind in ceilings}
    nones = {kind: 0 for kind in ceilings}
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
    for level, floor in floors.items():
        assert found[level] >= floor * total[level], (level, found[level], total[level])
    for kind, ceiling in ceilings.items():
        assert nones[kind] and alarms[kind] <= ceiling * nones[kind], (kind, alarms[kind], nones[kind])


def test_held_out_sets_are_never_trained_on() -> None:
    seen = holdout_overlap.training_texts()
    found = holdout_overlap.overlaps(seen)
    assert len(seen) > 1000 and "safety_holdout_v10.tsv" in found and "conversations_holdout.yaml" in found
    assert {name: texts for name, texts in found.items() if texts} == {}
