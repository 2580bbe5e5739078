"""Find the question(s) in a message: one, two at once, or one at the end of a story."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

from knowledge.facets import extract
from knowledge.language import words

# Words a Dutch question starts with (folded).
QUESTION_STARTS = frozenset(
    "wat wie hoe waar wanneer waarom welke welk mag mogen kan kun kunnen moet moeten heb hebben "
    "krijg krijgen is zijn wordt worden ben klopt geldt hoelang hoeveel wil weet zou".split()
)
FRAGMENT_MAX_WORDS = 2  # "en welk nummer": part of the question before it
STORY_MIN_WORDS = 30  # a longer message is read as a story that may end in a question
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")
# "... en wie betaalt ...": a second question joined with "en" / "maar" / "ook";
# "of" ("is dat vrijwillig of moet ik meewerken?") joins two questions only when
# nothing else does.
_STARTS = r"(?=(?:" + "|".join(sorted(QUESTION_STARTS)) + r")\b)"
_JOIN = re.compile(r"\s*(?:,\s*)?\b(?:en|maar|ook)\s+" + _STARTS, re.IGNORECASE)
_JOIN_OR = re.compile(r"\s*(?:,\s*)?\bof\s+" + _STARTS, re.IGNORECASE)
EMOTION_WORDS = frozenset(
    "bang boos verdrietig paniek wanhopig radeloos machteloos moe kapot overstuur angstig bezorgd "
    "gefrustreerd zenuwachtig onzeker eenzaam stress gestrest woedend huilen huil".split()
)


@dataclass(frozen=True)
class Parts:
    questions: Tuple[str, ...]  # one or two questions, in the order asked
    story: bool  # the question came after a story
    emotional: bool  # the parent says how they feel
    separate: bool = False  # two question sentences, not one sentence split at "en"


def sentences(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    tokens = words(sentence)
    return sentence.rstrip().endswith("?") or bool(tokens and tokens[0] in QUESTION_STARTS)


def split_two(sentence: str) -> List[str]:
    """A sentence holding two questions ("wat is X en wie betaalt Y?") as two parts."""
    for join in (_JOIN, _JOIN_OR):
        pieces = [p.strip(" ,?") for p in join.split(sentence) if p and p.strip(" ,?")]
        if len(pieces) == 2 and all(len(words(p)) >= 2 for p in pieces):
            return [sentence] if _only_aspect(pieces[1]) else pieces
        if len(pieces) > 2:
            return [sentence]
    return [sentence]


def _only_aspect(piece: str) -> bool:
    """ "welk nummer", "hoe lang": an aspect of the question before, not a question of its own."""
    facets = extract(piece)
    short = len(words(piece)) <= FRAGMENT_MAX_WORDS
    return short and bool(facets.aspect) and not (facets.topical or facets.followup_words)


def _with_context(sentences: List[str], index: int) -> str:
    """A question sentence that names no topic of its own, read with the nearest
    sentence before it that does ("... school zei dat ze Veilig Thuis gaat
    bellen. Ik schaam me. Wat gebeurt er als ze echt meldt?"), else with the
    sentence just before it."""
    question = sentences[index]
    if index == 0 or extract(question).topical:
        return question
    for before in range(index - 1, -1, -1):
        if extract(sentences[before]).topical:
            return f"{sentences[before]} {question}"
    return f"{sentences[index - 1]} {question}"


def parts(text: str) -> Parts:
    tokens = words(text)
    emotional = any(t in EMOTION_WORDS for t in tokens)
    found = sentences(text)
    asked = [i for i, s in enumerate(found) if is_question(s)]
    story = len(tokens) >= STORY_MIN_WORDS and len(found) >= 3
    if asked and len(asked) < len(found) and (story or emotional):
        # Questions after a story or a feeling: answer the questions, the last
        # two at most.
        chosen = [_with_context(found, i) for i in asked[-2:]]
    elif len(asked) >= 2:
        chosen = [found[i] for i in asked[:2]]
    elif story:
        chosen = found[-1:]
    else:
        chosen = [text]
    separate = len(chosen) == 2
    if len(chosen) == 1:
        chosen = split_two(chosen[0])
    return Parts(questions=tuple(chosen[:2]), story=story, emotional=emotional, separate=separate)
