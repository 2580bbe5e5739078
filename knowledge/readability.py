"""Readability of Dutch text: the Flesch–Douma score (textstat, language "nl").

60 and above reads as "fairly easy", the level of B1 texts such as the
government's own plain-language pages; the content tests and the editor use
the same limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import textstat
import yaml

from knowledge.config import CONTENT_DIR

LIMIT = 60.0


def flesch_douma(text: str) -> float:
    textstat.set_lang("nl")
    return float(textstat.flesch_reading_ease(text))


def warnings(short_answer: str) -> list[str]:
    """Dutch hints for an editor when a short answer is hard to read."""
    score = flesch_douma(short_answer)
    found = []
    if score < LIMIT:
        found.append(
            f"De korte tekst is moeilijk te lezen (score {score:.0f}, streef naar {LIMIT:.0f} "
            "of hoger). Maak zinnen korter en kies kortere woorden."
        )
    if len(short_answer.split()) > 75:
        found.append("De korte tekst is te lang voor een chatbericht (meer dan 75 woorden).")
    return found


# ----------------------------------------------------------------- B1 checks on all text

SENTENCE_MAX_WORDS = 20
# A term counts as explained when the sentence it first appears in (or the next)
# explains it: in brackets or after a colon or dash, or with words like these.
EXPLAINING = re.compile(
    r"\b(betekent|betekenen|dat is|dat zijn|dat wil zeggen|oftewel|met andere woorden|is een|zijn mensen|"
    r"is iemand|heet|heten|heette|noemen we|noem je|noemt men|bedoelen we)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")
_LIST_ITEM = re.compile(r"\n\s*-\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def sentences(text: str) -> List[str]:
    """Sentences of a text, list items counted as sentences of their own."""
    text = _LIST_ITEM.sub("\n", "\n" + (text or ""))
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def long_sentences(text: str, limit: int = SENTENCE_MAX_WORDS) -> List[str]:
    return [s for s in sentences(text) if len(_WORD.findall(s)) > limit]


@dataclass(frozen=True)
class Jargon:
    term: str
    variants: Tuple[str, ...]

    def pattern(self) -> "re.Pattern[str]":
        names = sorted((self.term, *self.variants), key=len, reverse=True)
        return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=2)
def load_jargon(path: Optional[Path] = None) -> Tuple[Jargon, ...]:
    data = yaml.safe_load((path or CONTENT_DIR / "jargon.yaml").read_text(encoding="utf-8")) or []
    return tuple(Jargon(str(d["term"]), tuple(str(v) for v in d.get("variants") or ())) for d in data)


_AFTER = re.compile(r"\s*(\((?P<brackets>[^)]*)\)|[:–-]|,)")


def _explained(sentence: str, following: str, match: "re.Match[str]") -> bool:
    """Explained right after the term (in brackets, unless only an abbreviation
    such as "(OTS)"; after a colon, dash or comma), or with an explaining phrase
    in this or the next sentence."""
    after = _AFTER.match(sentence, match.end())
    if after:
        inside = after.group("brackets")
        if inside is None or not re.fullmatch(r"\s*[A-Z0-9.]{1,6}\s*", inside):
            return True
    return bool(EXPLAINING.search(f"{sentence} {following}"))


def unexplained_jargon(text: str, jargon: Sequence[Jargon] = ()) -> List[str]:
    """Jargon terms whose first appearance in TEXT is not explained there."""
    parts = sentences(text)
    missing = []
    for item in jargon or load_jargon():
        pattern = item.pattern()
        for i, sentence in enumerate(parts):
            match = pattern.search(sentence)
            if match:
                if not _explained(sentence, parts[i + 1] if i + 1 < len(parts) else "", match):
                    missing.append(item.term)
                break
    return missing
