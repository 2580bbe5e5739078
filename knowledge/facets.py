"""What a message is about: organisation, measure, right, the aspect asked, an age.

The vocabulary is content (content/facets.yaml), so an editor can add a
nickname for an organisation without a developer. Matching is word by word on
folded text (accents, case and repeated letters do not matter), longest phrase
first, with fuzzy matching of single long words for misspellings. The same
facets are what the dialogue remembers between turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml
from rapidfuzz import fuzz, process

from knowledge.config import CONTENT_DIR
from knowledge.language import fold, ngrams_match, words

FACET_KINDS = ("organisation", "measure", "right")
FUZZY_MIN_LEN = 6
FUZZY_CUTOFF = 86
_AGE = re.compile(
    r"\b(?:van|is|wordt|word|ben|als (?:hij|zij|ze|het kind) |leeftijd )\s*(\d{1,2})\b"
    r"|\b(\d{1,2})\s*(?:jaar|jr|jarig)\b"
)


@dataclass(frozen=True)
class Value:
    kind: str  # organisation | measure | right | aspect
    name: str  # e.g. "gi", "ots", "hoger-beroep", "termijn"
    article: Optional[str] = None
    button: Optional[str] = None


@dataclass(frozen=True)
class Mention:
    value: Value
    start: int  # token positions in the message
    end: int
    surface: str  # the words as written (folded)


@dataclass(frozen=True)
class Facets:
    """Everything recognised in one message."""

    mentions: Tuple[Mention, ...] = ()
    age: Optional[int] = None
    followup_words: int = 0
    correction: Optional[str] = None  # the rest of "nee, ik bedoel ..." messages
    new_topic: bool = False  # "heel andere vraag, ...": never a follow-up
    request: bool = False  # "ik wil met een mens praten": what the parent wants

    def of(self, kind: str) -> List[str]:
        return list(dict.fromkeys(m.value.name for m in self.mentions if m.value.kind == kind))

    def first(self, kind: str) -> Optional[str]:
        found = self.of(kind)
        return found[0] if found else None

    @property
    def aspect(self) -> Optional[str]:
        return self.first("aspect")

    @property
    def topical(self) -> Dict[str, List[str]]:
        """Organisation, measure and right named in the message."""
        return {k: self.of(k) for k in FACET_KINDS if self.of(k)}


@dataclass
class Vocabulary:
    phrases: Dict[Tuple[str, ...], Value] = field(default_factory=dict)
    max_len: int = 1
    single: Dict[str, Value] = field(default_factory=dict)  # long single words, for fuzzy matching
    followup: frozenset = frozenset()
    corrections: Tuple[Tuple[str, ...], ...] = ()
    new_topics: Tuple[Tuple[str, ...], ...] = ()
    requests: Dict[Tuple[str, ...], bool] = field(default_factory=dict)  # phrases, for ngrams_match
    request_max_len: int = 1
    values: Dict[Tuple[str, str], Value] = field(default_factory=dict)
    answered_by: Dict[Tuple[str, str], str] = field(default_factory=dict)  # (aspect, article) -> article

    def value(self, kind: str, name: str) -> Optional[Value]:
        return self.values.get((kind, name))

    def aspect_names(self) -> List[str]:
        return [name for kind, name in self.values if kind == "aspect"]


@lru_cache(maxsize=4)
def load_vocabulary(path: Optional[Path] = None) -> Vocabulary:
    data = yaml.safe_load((path or CONTENT_DIR / "facets.yaml").read_text(encoding="utf-8")) or {}
    vocab = Vocabulary()
    for kind in (*FACET_KINDS, "aspect"):
        for name, spec in (data.get("aspects" if kind == "aspect" else kind) or {}).items():
            value = Value(kind=kind, name=str(name), article=spec.get("article"), button=spec.get("button"))
            vocab.values[(kind, value.name)] = value
            for article, other in (spec.get("answered_by") or {}).items():
                vocab.answered_by[(value.name, str(article))] = str(other)
            for phrase in spec.get("words") or []:
                key = tuple(words(phrase))
                if key:
                    vocab.phrases.setdefault(key, value)
                    if len(key) == 1 and len(key[0]) >= FUZZY_MIN_LEN:
                        vocab.single.setdefault(key[0], value)
    vocab.max_len = max((len(k) for k in vocab.phrases), default=1)
    vocab.followup = frozenset(fold(w) for w in data.get("followup_words") or [])
    vocab.corrections = tuple(sorted((tuple(words(c)) for c in data.get("correction_starts") or []), key=len)[::-1])
    vocab.new_topics = tuple(tuple(words(c)) for c in data.get("new_topic_starts") or [])
    vocab.requests = {tuple(words(c)): True for c in data.get("request_words") or []}
    vocab.request_max_len = max((len(k) for k in vocab.requests), default=1)
    return vocab


def _fuzzy(token: str, vocab: Vocabulary) -> Optional[Value]:
    if len(token) < FUZZY_MIN_LEN or not vocab.single:
        return None
    match = process.extractOne(token, list(vocab.single), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return vocab.single[match[0]] if match else None


def find_age(text: str) -> Optional[int]:
    for match in _AGE.finditer(fold(text)):
        number = int(match.group(1) or match.group(2))
        if 0 <= number <= 23:
            return number
    return None


def extract(text: str, vocab: Optional[Vocabulary] = None) -> Facets:
    vocab = vocab or load_vocabulary()
    tokens = words(text)
    correction = None
    for opening in vocab.corrections:
        if tuple(tokens[: len(opening)]) == opening and len(tokens) > len(opening):
            correction = " ".join(tokens[len(opening) :])
            break
    mentions: List[Mention] = []
    matched: set = set()
    for start, end, value in ngrams_match(tokens, vocab.phrases, vocab.max_len):
        mentions.append(Mention(value, start, end, " ".join(tokens[start:end])))
        matched.update(range(start, end))
    for i, token in enumerate(tokens):
        if i not in matched:
            fuzzy = _fuzzy(token, vocab)
            if fuzzy is not None:
                mentions.append(Mention(fuzzy, i, i + 1, token))
    mentions.sort(key=lambda m: m.start)
    return Facets(
        mentions=tuple(mentions),
        age=find_age(text),
        followup_words=sum(1 for t in tokens if t in vocab.followup),
        correction=correction,
        # "ok. andere vraag, ...": the opening may come after one word.
        new_topic=any(
            tuple(tokens[skip : skip + len(opening)]) == opening for opening in vocab.new_topics for skip in (0, 1)
        ),
        request=bool(ngrams_match(tokens, vocab.requests, vocab.request_max_len)),
    )
