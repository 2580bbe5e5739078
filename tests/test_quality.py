"""Accuracy floors on the held-out sets, so a change that makes the bot worse
fails the suite. The figures themselves come from `make nlu-report` and
`make safety-report`; the floors sit a little below what was measured."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.db import session_scope
from knowledge.evaluation import evaluate
from knowledge.retrieval import Index, docs_from_db
from knowledge.safety import LEVELS, detect, read_labelled

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def index(content_db: str) -> Index:
    with session_scope() as session:
        return Index([d for d in docs_from_db(session) if d.slug != "gezinscoach"])


@pytest.mark.parametrize(
    "name,helpful_min,wrong_max",
    [
        ("retrieval_holdout2.yaml", 0.95, 0.02),
        ("retrieval_holdout.yaml", 0.92, 0.04),
    ],
)
def test_retrieval_on_held_out_questions(index: Index, name: str, helpful_min: float, wrong_max: float) -> None:
    cases = [(c["q"], c["slug"]) for c in yaml.safe_load((DATA / name).read_text(encoding="utf-8"))]
    score = evaluate(index, cases)
    print("\n" + "\n".join(score.lines()))
    assert score.helpful >= helpful_min
    assert score.wrong_confident <= wrong_max
    assert score.null_answered <= 0.15 * score.null_total


def test_safety_on_held_out_messages() -> None:
    rows = [(row.label, row.text) for row in read_labelled(DATA / "safety_holdout.tsv")[0]]
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
    assert found["distress"] >= 0.90 * total["distress"]
    assert alarms <= 0.05 * nones


def _training_texts() -> set:
    """Every text any layer learns from: safety examples, NLU data, article questions."""
    from knowledge.config import CONTENT_DIR
    from knowledge.safety.model import training_examples

    def fold(text: str) -> str:
        return " ".join(str(text).lower().split())

    texts = {fold(t) for _, t in training_examples()}
    for path in (DATA.parent.parent / "data" / "nlu").glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                texts.add(fold(line.strip()[2:].strip().strip('"')))
    for path in (CONTENT_DIR / "articles").glob("*.yaml"):
        article = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.update(fold(q) for q in article.get("example_questions") or [])
    return texts


def _held_out_texts() -> dict:
    out = {}
    for path in DATA.glob("safety_holdout*.tsv"):
        out[path.name] = [row.text for row in read_labelled(path)[0]]
    for path in DATA.glob("retrieval_holdout*.yaml"):
        out[path.name] = [c["q"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return out


def test_held_out_sets_are_never_trained_on() -> None:
    seen = _training_texts()
    held_out = _held_out_texts()
    assert len(seen) > 1000 and "safety_holdout.tsv" in held_out
    overlap = {name: [t for t in texts if " ".join(t.lower().split()) in seen] for name, texts in held_out.items()}
    assert {name: found for name, found in overlap.items() if found} == {}
