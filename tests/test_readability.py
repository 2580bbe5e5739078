"""B1 on every text a parent reads: short answers, bodies, sections, local
versions and the glossary. Sentences of at most 20 words, Flesch–Douma at least
60 for short texts, and listed jargon (content/jargon.yaml) explained where it
first appears in each text (a section or short answer is read on its own)."""

from __future__ import annotations

from typing import Dict, Iterator, List, Tuple

import pytest
import yaml

from knowledge.config import CONTENT_DIR
from knowledge.readability import LIMIT, flesch_douma, long_sentences, unexplained_jargon

SHORT_TEXT_WORDS = 120  # Flesch–Douma is checked on chat-sized texts; bodies by sentence length


def parent_texts() -> Iterator[Tuple[str, str]]:
    """(where, text) for every text a parent can read."""
    for path in sorted((CONTENT_DIR / "articles").glob("*.yaml")):
        article = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield f"{article['slug']}: short_answer", article["short_answer"]
        if article.get("body"):
            yield f"{article['slug']}: body", article["body"]
        for aspect, text in (article.get("sections") or {}).items():
            yield f"{article['slug']}: section {aspect}", text
    for path in sorted((CONTENT_DIR / "local").glob("*.yaml")):
        local = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield f"{local['key']}: short_answer", local["short_answer"]
        if local.get("body"):
            yield f"{local['key']}: body", local["body"]
    for entry in yaml.safe_load((CONTENT_DIR / "glossary.yaml").read_text(encoding="utf-8")):
        yield f"glossary {entry['term']}", f"{entry['term']}: {entry['definition']}"


TEXTS = list(parent_texts())


def test_there_is_text_to_check() -> None:
    assert len(TEXTS) > 300


def test_sentences_are_short() -> None:
    offenders: Dict[str, List[str]] = {}
    for where, text in TEXTS:
        if long_sentences(text):
            offenders[where] = long_sentences(text)
    assert not offenders


def test_short_texts_read_easily() -> None:
    scores = {where: round(flesch_douma(text)) for where, text in TEXTS if len(text.split()) <= SHORT_TEXT_WORDS}
    assert {where: score for where, score in scores.items() if score < LIMIT} == {}


def test_jargon_is_explained_where_it_first_appears() -> None:
    missing = {where: unexplained_jargon(text) for where, text in TEXTS}
    assert {where: terms for where, terms in missing.items() if terms} == {}


@pytest.mark.parametrize(
    "text, ok",
    [
        ("Het gesprek gaat over IHV13w.", False),
        ("Het gesprek gaat over IHV13w (intensieve hulp in een vrijwillig traject).", True),
        ("Een procesregisseur: dat is iemand die het overzicht houdt.", True),
        ("Er komt een gedragsdeskundige. Dat is iemand die kijkt hoe je kind zich ontwikkelt.", True),
    ],
)
def test_the_jargon_check_itself(text: str, ok: bool) -> None:
    assert (unexplained_jargon(text) == []) is ok
