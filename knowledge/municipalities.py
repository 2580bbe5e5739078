"""Recognise the parent's municipality in what they type.

The list of all Dutch municipalities, their other spellings and the names that
are also ordinary words lives in content/municipalities.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml
from rapidfuzz import fuzz, process

from knowledge.config import CONTENT_DIR
from knowledge.language import ngrams_match, words

# Words after which a place name is almost surely the parent's municipality.
CONTEXT_WORDS = frozenset({"in", "uit", "gemeente", "regio", "bij", "woon", "wonen", "woonplaats"})


@dataclass(frozen=True)
class Gazetteer:
    names: Dict[Tuple[str, ...], str]  # folded phrase -> official name
    ambiguous: frozenset  # folded phrases that need a context word
    official: Dict[str, str]  # folded official name -> official name
    max_len: int

    def find(self, text: str) -> Optional[str]:
        """The municipality named in TEXT, or None."""
        match = self._match(words(text))
        return match[2] if match else None

    def without_place(self, text: str) -> str:
        """TEXT as words, without the municipality phrase (it is context, not topic)."""
        tokens = words(text)
        match = self._match(tokens)
        if match is None:
            return " ".join(tokens)
        return " ".join(tokens[: match[0]] + tokens[match[1] :])

    def _match(self, tokens: List[str]) -> Optional[Tuple[int, int, str]]:
        for start, end, name in ngrams_match(tokens, self.names, self.max_len):
            phrase = tuple(tokens[start:end])
            after_context = start > 0 and tokens[start - 1] in CONTEXT_WORDS
            if phrase not in self.ambiguous or after_context:
                return start, end, name
        return self._fuzzy_after_context(tokens)

    def _fuzzy_after_context(self, tokens: List[str]) -> Optional[Tuple[int, int, str]]:
        # "ik woon in Amersfort": tolerate a typo only right after a context word.
        for i, token in enumerate(tokens[:-1]):
            if token not in CONTEXT_WORDS:
                continue
            for n in (3, 2, 1):
                candidate = " ".join(tokens[i + 1 : i + 1 + n])
                if len(candidate) < 5:
                    continue
                match = process.extractOne(candidate, list(self.official), scorer=fuzz.ratio, score_cutoff=86)
                if match:
                    return i + 1, i + 1 + n, self.official[match[0]]
        return None

    def canonical(self, name: str) -> Optional[str]:
        """The official spelling of a municipality name given by a website embed."""
        return self.names.get(tuple(words(name)))


@lru_cache(maxsize=4)
def load_gazetteer(path: Optional[Path] = None) -> Gazetteer:
    path = path or CONTENT_DIR / "municipalities.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    names: Dict[Tuple[str, ...], str] = {}
    ambiguous = set()
    official: Dict[str, str] = {}
    for entry in entries or []:
        name = entry["name"]
        official[" ".join(words(name))] = name
        for alias in [name, *(entry.get("aliases") or [])]:
            key = tuple(words(alias))
            if not key:
                continue
            names.setdefault(key, name)
            if _is_ambiguous(entry.get("ambiguous"), alias):
                ambiguous.add(key)
    return Gazetteer(
        names=names, ambiguous=frozenset(ambiguous), official=official, max_len=max((len(k) for k in names), default=1)
    )


def _is_ambiguous(flag: object, alias: str) -> bool:
    """`ambiguous: true` marks every spelling; a list marks only those aliases."""
    if isinstance(flag, list):
        return words(alias) in [words(a) for a in flag]
    return bool(flag)


def find_municipality(text: str) -> Optional[str]:
    return load_gazetteer().find(text)


def text_without_place(text: str) -> str:
    return load_gazetteer().without_place(text)


def canonical_municipality(name: str) -> Optional[str]:
    return load_gazetteer().canonical(name) if name else None


@lru_cache(maxsize=4)
def provinces(path: Optional[Path] = None) -> Dict[str, Tuple[str, ...]]:
    """Province -> its municipalities (official names), from content/municipalities.yaml."""
    path = path or CONTENT_DIR / "municipalities.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    out: Dict[str, List[str]] = {}
    for entry in entries or []:
        if entry.get("province"):
            out.setdefault(str(entry["province"]), []).append(str(entry["name"]))
    return {province: tuple(sorted(names)) for province, names in out.items()}


def province_municipalities(name: str) -> Optional[Tuple[str, ...]]:
    """The municipalities of the province NAME (any capitals), or None when NAME is no province."""
    wanted = " ".join(words(name))
    return next((m for p, m in provinces().items() if " ".join(words(p)) == wanted), None)
