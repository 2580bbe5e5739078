"""Measure the dialogue on labelled conversations and single questions.

A conversation file (tests/data/conversations_*.yaml) holds
`conversations: [{id, pattern, turns: [{user, expect | expect_all |
expect_municipality, aspect?}]}]`. Each turn goes through `respond()` with the
state the previous turns left, exactly as the Rasa action does. A turn that only
names the place is handled as the bot does (the municipality is remembered).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy.orm import Session

from knowledge.answers import Answer
from knowledge.dialogue.decide import respond
from knowledge.dialogue.state import DialogueState
from knowledge.evaluation import Case
from knowledge.facets import extract
from knowledge.municipalities import find_municipality
from knowledge.retrieval import Retriever

SessionFactory = Callable[[], ContextManager[Session]]


@dataclass
class TurnResult:
    conversation: str
    pattern: str
    position: int  # 0 = first turn
    right: bool
    confidently_wrong: bool
    aspect_asked: Optional[str]
    aspect_answered: bool
    got: Tuple[str, ...]


@dataclass
class ConversationScore:
    turns: List[TurnResult] = field(default_factory=list)

    def _share(self, rows: Sequence[TurnResult], attr: str = "right") -> Tuple[int, int]:
        return sum(1 for r in rows if getattr(r, attr)), len(rows)

    @property
    def followups(self) -> List[TurnResult]:
        return [t for t in self.turns if t.position > 0 and t.pattern != "place"]

    def conversations(self) -> Tuple[int, int]:
        by_id: Dict[str, bool] = {}
        for t in self.turns:
            by_id[t.conversation] = by_id.get(t.conversation, True) and t.right
        return sum(by_id.values()), len(by_id)

    def lines(self) -> List[str]:
        def pct(pair: Tuple[int, int]) -> str:
            return f"{pair[0]}/{pair[1]} ({pair[0] / max(pair[1], 1):.1%})"

        asked = [t for t in self.turns if t.aspect_asked]
        out = [
            f"turns right: {pct(self._share(self.turns))}",
            f"follow-up turns right: {pct(self._share(self.followups))}",
            f"whole conversations right: {pct(self.conversations())}",
            f"turns answered confidently with a wrong article: {pct(self._share(self.turns, 'confidently_wrong'))}",
            f"turns asking an aspect answered with that section: {pct(self._share(asked, 'aspect_answered'))}",
        ]
        patterns = Counter(t.pattern for t in self.turns)
        for pattern in sorted(patterns):
            rows = [t for t in self.turns if t.pattern == pattern]
            out.append(f"  {pattern}: {pct(self._share(rows))} turns right")
        return out


def _articles(answers: Iterable[Answer]) -> Tuple[str, ...]:
    return tuple(str(a.payload["article"]) for a in answers if a.payload.get("kind") == "answer")


def _confident(answers: Iterable[Answer]) -> Tuple[str, ...]:
    return tuple(
        str(a.payload["article"]) for a in answers if a.payload.get("kind") == "answer" and a.payload.get("confident")
    )


def evaluate_conversations(
    sessions: SessionFactory, retriever: Retriever, conversations: Sequence[Dict[str, Any]]
) -> ConversationScore:
    score = ConversationScore()
    for conv in conversations:
        state = DialogueState()
        place: Optional[str] = None
        for position, turn in enumerate(conv.get("turns") or []):
            text = str(turn.get("user", ""))
            pattern = str(conv.get("pattern", "?"))
            if turn.get("expect_municipality"):
                place = find_municipality(text) or place
                right = (place or "").casefold() == str(turn["expect_municipality"]).casefold()
                score.turns.append(TurnResult(str(conv.get("id")), "place", position, right, False, None, False, ()))
                continue
            with sessions() as session:
                reply = respond(session, retriever, text, state, place)
            state = reply.state
            got = _articles(reply.answers)
            confident = _confident(reply.answers)
            if turn.get("expect_all"):
                alternatives = turn.get("also_for") or {}
                options = [{slug, *alternatives.get(slug, [])} for slug in turn["expect_all"]]
                right = all(option & set(got) for option in options)
                wrong = any(all(a not in option for option in options) for a in confident)
            else:
                wanted = set(turn.get("expect") or []) | set(turn.get("also") or [])
                right = bool(got) and got[0] in wanted
                wrong = bool(confident) and confident[0] not in wanted
            aspect = turn.get("aspect")
            sections = {a.payload.get("section") for a in reply.answers}
            score.turns.append(
                TurnResult(str(conv.get("id")), pattern, position, right, wrong, aspect, aspect in sections, got)
            )
    return score


@dataclass
class QuestionScore:
    total: int = 0
    right: int = 0
    confidently_wrong: int = 0
    null_total: int = 0
    null_answered: int = 0
    mistakes: List[str] = field(default_factory=list)

    def lines(self) -> List[str]:
        return [
            f"single questions right: {self.right}/{self.total} ({self.right / max(self.total, 1):.1%})",
            f"answered confidently with a wrong article: {self.confidently_wrong}/{self.total} "
            f"({self.confidently_wrong / max(self.total, 1):.1%})",
            f"out-of-scope questions answered confidently: {self.null_answered}/{self.null_total}",
        ]


def evaluate_questions(sessions: SessionFactory, retriever: Retriever, cases: Iterable[Case]) -> QuestionScore:
    """Single questions, each the first of a conversation, through `respond()`."""
    score = QuestionScore()
    for question, expected in cases:
        with sessions() as session:
            reply = respond(session, retriever, question, DialogueState())
        got = _articles(reply.answers)
        confident = _confident(reply.answers)
        if not expected:
            score.null_total += 1
            score.null_answered += bool(confident)
            continue
        score.total += 1
        score.right += bool(got) and got[0] in expected
        score.confidently_wrong += bool(confident) and confident[0] not in expected
        if not (got and got[0] in expected):
            sure = "confident" if confident else "unsure"
            score.mistakes.append(f"{question!r}: want {sorted(expected)}, got {got[:3]} ({sure})")
    return score


@dataclass
class EntityScore:
    """Micro-averaged precision/recall/F1 of the facets recognised per message."""

    true_positive: Counter = field(default_factory=Counter)
    false_positive: Counter = field(default_factory=Counter)
    false_negative: Counter = field(default_factory=Counter)

    def f1(self, kind: Optional[str] = None) -> Tuple[float, float, float]:
        def total(counter: Counter) -> int:
            return sum(v for k, v in counter.items() if kind is None or k == kind)

        tp, fp, fn = total(self.true_positive), total(self.false_positive), total(self.false_negative)
        precision = tp / max(tp + fp, 1)
        recall = tp / max(tp + fn, 1)
        return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)

    def lines(self) -> List[str]:
        out = []
        for kind in (None, *ENTITY_KINDS):
            p, r, f = self.f1(kind)
            out.append(f"{kind or 'all entities'}: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}")
        return out


ENTITY_KINDS = ("organisation", "measure", "right", "aspect")


def evaluate_entities(rows: Iterable[Dict[str, Any]]) -> EntityScore:
    """Rows: {text, organisation: [...], measure: [...], right: [...], aspect: [...]}."""
    score = EntityScore()
    for row in rows:
        found = extract(str(row["text"]))
        for kind in ENTITY_KINDS:
            got = set(found.of(kind))
            want = set(row.get(kind) or [])
            score.true_positive[kind] += len(got & want)
            score.false_positive[kind] += len(got - want)
            score.false_negative[kind] += len(want - got)
    return score
