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
STORY_MIN_WORDS = 30  # a longer message is read as a story that may end in a question
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+")
# "... en wie betaalt ...": a second question joined with "en" / "of" / "maar".
_JOIN = re.compile(
    r"\s*(?:,\s*)?\b(?:en|of|maar|ook)\s+(?=(?:" + "|".join(sorted(QUESTION_STARTS)) + r")\b)", re.IGNORECASE
)
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


def _sentences(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def is_question(sentence: str) -> bool:
    tokens = words(sentence)
    return sentence.rstrip().endswith("?") or bool(tokens and tokens[0] in QUESTION_STARTS)


def split_two(sentence: str) -> List[str]:
    """A sentence holding two questions ("wat is X en wie betaalt Y?") as two parts."""
    pieces = [p.strip(" ,?") for p in _JOIN.split(sentence) if p and p.strip(" ,?")]
    if len(pieces) == 2 and all(len(words(p)) >= 2 for p in pieces):
        return pieces
    return [sentence]


def _with_context(sentences: List[str], index: int) -> str:
    """A question sentence, with the sentence before it when it names no topic
    of its own ("... het wijkteam wil langskomen. Moet ik meewerken?")."""
    question = sentences[index]
    if index > 0 and not extract(question).topical:
        return f"{sentences[index - 1]} {question}"
    return question


def parts(text: str) -> Parts:
    tokens = words(text)
    emotional = any(t in EMOTION_WORDS for t in tokens)
    sentences = _sentences(text)
    asked = [i for i, s in enumerate(sentences) if is_question(s)]
    story = len(tokens) >= STORY_MIN_WORDS and len(sentences) >= 3
    if asked and len(asked) < len(sentences) and (story or emotional):
        # Questions after a story or a feeling: answer the questions, the last
        # two at most.
        chosen = [_with_context(sentences, i) for i in asked[-2:]]
    elif len(asked) >= 2:
        chosen = [sentences[i] for i in asked[:2]]
    elif story:
        chosen = sentences[-1:]
    else:
        chosen = [text]
    separate = len(chosen) == 2
    if len(chosen) == 1:
        chosen = split_two(chosen[0])
    return Parts(questions=tuple(chosen[:2]), story=story, emotional=emotional, separate=separate)
