"""Recognise input the bot cannot work with, so it can say so clearly in Dutch.

Nothing here rejects a message silently: the caller always answers, and the
safety detector still sees the full text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, Optional

import yaml

from knowledge.config import CONTENT_DIR
from knowledge.language import fold

MAX_CHARS = 2000  # longer messages are answered from their first MAX_CHARS characters
# The channels cut every message to this length before the NLU pipeline, so no
# input can stall spaCy or DIET; a little over MAX_CHARS, so "too long" is still seen.
CHANNEL_MAX_CHARS = MAX_CHARS + 500
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_LETTERS_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TAGS = re.compile(r"<[^>]{0,200}>")


def normalise(text: object) -> str:
    """What a channel passes on: a str, lone surrogates replaced, NFC, cut to CHANNEL_MAX_CHARS.

    A lone surrogate (half an emoji, e.g. from a cut in the browser) cannot be
    encoded as UTF-8 and would make every later step fail."""
    if not isinstance(text, str):
        return ""
    text = _SURROGATE.sub("\ufffd", text[: CHANNEL_MAX_CHARS * 2])
    return unicodedata.normalize("NFC", text)[:CHANNEL_MAX_CHARS]


def clean(text: Optional[str]) -> str:
    """Drop control characters and replacement marks; keep everything readable."""
    return _CONTROL.sub(" ", text or "").strip()


@lru_cache(maxsize=1)
def _markers() -> Dict[str, frozenset]:
    data = yaml.safe_load((CONTENT_DIR / "language_markers.yaml").read_text(encoding="utf-8"))
    return {lang: frozenset(fold(w) for w in ws) for lang, ws in data.items()}


def _script_is_latin(text: str) -> bool:
    letters = [ch for ch in text if unicodedata.category(ch).startswith("L")]
    if not letters:
        return True
    latin = sum(1 for ch in letters if _LETTERS_LATIN.match(ch))
    return latin / len(letters) >= 0.5


def probably_not_dutch(text: str) -> bool:
    """True when a message of several words reads as another language."""
    if not _script_is_latin(text):
        return True
    tokens = [fold(t) for t in _WORD.findall(text)]
    if len(tokens) < 3:
        return False
    markers = _markers()
    dutch = sum(t in markers["nl"] for t in tokens)
    best_other = max(sum(t in ws for t in tokens) for lang, ws in markers.items() if lang != "nl")
    return best_other >= 2 and best_other > dutch * 1.5


def problem(text: Optional[str]) -> Optional[str]:
    """'empty', 'no_words', 'other_language', 'too_long' or None for a usable message."""
    cleaned = clean(text)
    visible = _TAGS.sub(" ", cleaned)
    if not visible.strip():
        return "empty"
    if not _WORD.search(visible):
        return "no_words"
    if probably_not_dutch(visible[:MAX_CHARS]):
        return "other_language"
    if len(cleaned) > MAX_CHARS:
        return "too_long"
    return None
