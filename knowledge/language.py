"""Dutch text handling shared by retrieval, glossary and municipality lookup.

Plain Python on purpose: the same functions run in the action server, the web
app and the tests, and must not need a spaCy model to be installed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Dict, List, Sequence, Tuple, TypeVar

import snowballstemmer

from knowledge.config import CONTENT_DIR

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_REPEATS = re.compile(r"(.)\1{2,}")
_TAGS = re.compile(r"<[^>]{0,200}>")


def fold(text: str) -> str:
    """Lower-case, strip accents and HTML tags, collapse letters typed 3+ times."""
    text = _TAGS.sub(" ", text or "")
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _REPEATS.sub(r"\1\1", text)


def words(text: str) -> List[str]:
    """Folded word tokens (letters and digits)."""
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=1)
def stopwords() -> frozenset:
    lines = (CONTENT_DIR / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


_stemmer = snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


T = TypeVar("T")


def ngrams_match(tokens: Sequence[str], phrases: Dict[Tuple[str, ...], T], max_len: int) -> List[Tuple[int, int, T]]:
    """Greedy longest-first matches of token phrases: (start, end, value)."""
    found = []
    i = 0
    while i < len(tokens):
        for n in range(min(max_len, len(tokens) - i), 0, -1):
            value = phrases.get(tuple(tokens[i : i + n]))
            if value is not None:
                found.append((i, i + n, value))
                i += n
                break
        else:
            i += 1
    return found
