"""Questions that are nearly the same, grouped: so an editor sees that seven
differently typed questions are one missing topic.

A question becomes its content words, stemmed (stop words left out). Two
questions are alike when most of those words match, a word matching another
when it is typed nearly the same (rapidfuzz ratio: "pleeggzin" ~ "pleeggezin",
"kind" ~ "kinderen"), or when the words as a whole are nearly the same in any
order (rapidfuzz token_sort_ratio, for joined or split compounds). Grouping is
greedy and deterministic: the most asked question starts a group, and every
next question joins the first group whose leading questions it is alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

from rapidfuzz import fuzz

from knowledge.language import fold, stem, stopwords, words

WORD_MATCH = 80  # rapidfuzz ratio for two words to count as the same word
ALIKE_WORDS = 0.6  # share of matching words (Dice) for two questions to be alike
ALIKE_WHOLE = 80  # or: token_sort_ratio of the whole questions
COMPARED = 5  # a question is compared with this many questions of a group (the most asked)


def key(question: str) -> Tuple[str, ...]:
    """The content words of QUESTION, stemmed and sorted ([naam] and other masks left out)."""
    stop = stopwords()
    stems = sorted({stem(w) for w in words(question) if w not in stop and not w.startswith("[")})
    return tuple(stems) or tuple(words(fold(question)))


def _matches(a: Sequence[str], b: Sequence[str]) -> int:
    """How many words of A have a nearly equal word in B (each word of B used once)."""
    free = list(b)
    found = 0
    for word in a:
        best = max(range(len(free)), key=lambda i: fuzz.ratio(word, free[i]), default=None)
        if best is not None and fuzz.ratio(word, free[best]) >= WORD_MATCH:
            free.pop(best)
            found += 1
    return found


def alike(a: Sequence[str], b: Sequence[str]) -> bool:
    """Are the questions with content words A and B nearly the same question?"""
    if not a or not b:
        return tuple(a) == tuple(b)
    if 2 * _matches(a, b) / (len(a) + len(b)) >= ALIKE_WORDS:
        return True
    return fuzz.token_sort_ratio(" ".join(a), " ".join(b)) >= ALIKE_WHOLE


@dataclass
class Group:
    """Questions that are nearly the same. VARIANTS: each differently worded
    question with how often it was asked, most asked first; QUESTIONS: every
    question as it was stored."""

    variants: List[Tuple[str, int]] = field(default_factory=list)
    questions: List[str] = field(default_factory=list)
    keys: List[Tuple[str, ...]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(n for _, n in self.variants)

    @property
    def question(self) -> str:
        """The question that stands for the group: the most asked one."""
        return self.variants[0][0]


def _same_text(counts: Dict[str, int]) -> List[Tuple[str, int, List[str]]]:
    """Questions that differ only in capitals, accents, spaces or the final mark are one
    variant: (the most asked spelling, times asked, every spelling)."""
    texts: Dict[str, List[Tuple[str, int]]] = {}
    for question, n in counts.items():
        texts.setdefault(" ".join(words(question)) or question, []).append((question, n))
    out = []
    for spellings in texts.values():
        spellings.sort(key=lambda item: (-item[1], item[0]))
        out.append((spellings[0][0], sum(n for _, n in spellings), [q for q, _ in spellings]))
    return out


def group(counts: Dict[str, int]) -> List[Group]:
    """COUNTS (question -> times asked) as groups of nearly the same questions, largest first."""
    groups: List[Group] = []
    for question, n, spellings in sorted(_same_text(counts), key=lambda v: (-v[1], v[0])):
        words_of = key(question)
        home = next((g for g in groups if any(alike(words_of, k) for k in g.keys[:COMPARED])), None)
        if home is None:
            home = Group()
            groups.append(home)
        home.variants.append((question, n))
        home.questions.extend(spellings)
        home.keys.append(words_of)
    groups.sort(key=lambda g: (-g.count, g.question))
    return groups
