"""The begrippenlijst: explain a term on "wat betekent ...?"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.language import fold, words
from knowledge.models import GlossaryTerm

# What parents put around the term they ask about; removed before matching.
_FRAME = re.compile(
    r"^(?:wat|wie)\s+(?:betekent|betekend|betekenis|bedoelen ze met|bedoelt men met|"
    r"houdt|is|zijn|is het|is dat|is een|is de|heet)\s+|"
    r"^(?:uitleg|betekenis)\s+(?:van|over)\s+|^(?:kun je|kan je|kunt u)\s+(?:uitleggen wat|"
    r"uitleggen)\s+|\s+(?:in|inhoud|precies|eigenlijk|betekent)$|^(?:een|de|het)\s+"
)


@dataclass(frozen=True)
class Definition:
    term: str
    definition: str
    article_slug: Optional[str]


def term_of_question(text: str) -> str:
    """'Wat betekent een OTS precies?' -> 'ots'."""
    phrase = " ".join(words(text))
    for _ in range(4):
        phrase = _FRAME.sub("", phrase).strip()
    return phrase


def lookup(session: Session, text: str) -> Optional[Definition]:
    """The glossary entry the question asks about, tolerant of typos."""
    wanted = term_of_question(text)
    if not wanted:
        return None
    rows: List[GlossaryTerm] = session.execute(select(GlossaryTerm)).scalars().all()
    choices = {}
    for row in rows:
        for alias in [row.term, *row.aliases]:
            choices[" ".join(words(alias))] = row
    if wanted in choices:
        row = choices[wanted]
    else:
        match = process.extractOne(wanted, list(choices), scorer=fuzz.ratio, score_cutoff=85)
        if not match:
            return None
        row = choices[match[0]]
    return Definition(term=row.term, definition=row.definition, article_slug=row.article_slug)


def all_terms(session: Session) -> List[Definition]:
    rows = session.execute(select(GlossaryTerm).order_by(GlossaryTerm.term)).scalars().all()
    return [Definition(r.term, r.definition, r.article_slug) for r in rows]


def looks_like_definition_question(text: str) -> bool:
    folded = fold(text)
    return bool(re.search(r"\b(betekent|betekend|betekenis|bedoelen ze met|bedoelt men met)\b", folded))
