"""The domain thesaurus: words parents use mapped onto one canonical term.

Loaded from content/thesaurus.yaml, so editors can add "gezinsvoogd =
jeugdbeschermer" without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from knowledge.config import CONTENT_DIR
from knowledge.language import ngrams_match, words

CANON_PREFIX = "~"


@dataclass(frozen=True)
class Thesaurus:
    phrases: Dict[Tuple[str, ...], str]  # folded word sequence -> canonical token
    max_len: int

    @property
    def single_words(self) -> List[str]:
        return [p[0] for p in self.phrases if len(p) == 1]

    def expand(self, tokens: List[str]) -> List[str]:
        """The tokens plus one canonical token for every synonym phrase found.

        Expanding (rather than replacing) keeps the parent's own words, so a
        phrase like "onderzoek van de raad" still shares "onderzoek" and "raad"
        with texts that say it differently.
        """
        found = [value for _s, _e, value in ngrams_match(tokens, self.phrases, self.max_len)]
        return tokens + list(dict.fromkeys(found))


@lru_cache(maxsize=4)
def load_thesaurus(path: Optional[Path] = None) -> Thesaurus:
    path = path or CONTENT_DIR / "thesaurus.yaml"
    groups = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    phrases: Dict[Tuple[str, ...], str] = {}
    for group in groups or []:
        canonical = CANON_PREFIX + "_".join(words(group["term"]))
        for synonym in [group["term"], *(group.get("synonyms") or [])]:
            key = tuple(words(synonym))
            if key:
                phrases.setdefault(key, canonical)
    max_len = max((len(k) for k in phrases), default=1)
    return Thesaurus(phrases=phrases, max_len=max_len)
