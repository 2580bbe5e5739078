"""Measure retrieval on labelled questions (used by `make nlu-report` and tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

import yaml

from knowledge.municipalities import text_without_place
from knowledge.retrieval import ArticleDoc, Index


@dataclass
class RetrievalScore:
    total: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    tentative_right: int = 0
    tentative_wrong_offered: int = 0  # unsure answer was wrong, the right topic was a button
    tentative_wrong: int = 0
    choice_contains: int = 0
    choice_misses: int = 0
    unknown: int = 0
    null_total: int = 0
    null_answered: int = 0  # confidently
    null_tentative: int = 0
    mistakes: List[Tuple[str, Optional[str], str, str]] = field(default_factory=list)

    @property
    def helpful(self) -> float:
        """Share of in-scope questions answered right or offered the right topic."""
        return (self.answered_right + self.tentative_right + self.tentative_wrong_offered + self.choice_contains) / max(
            self.total, 1
        )

    @property
    def top1(self) -> float:
        """Share answered with the right article (confidently or not)."""
        return (self.answered_right + self.tentative_right) / max(self.total, 1)

    @property
    def wrong_confident(self) -> float:
        return self.answered_wrong / max(self.total, 1)

    def lines(self) -> List[str]:
        return [
            f"in-scope questions: {self.total}",
            f"  answered with the right article: {self.answered_right + self.tentative_right} "
            f"({self.top1:.1%}; {self.tentative_right} of them marked as unsure)",
            f"  unsure answer with a wrong article: {self.tentative_wrong + self.tentative_wrong_offered} "
            f"(right topic among its buttons: {self.tentative_wrong_offered})",
            f"  right article among offered topics: {self.choice_contains}",
            f"  helpful (right answer or right topic offered): {self.helpful:.1%}",
            f"  answered confidently with a WRONG article: {self.answered_wrong} ({self.wrong_confident:.1%})",
            f"  offered topics without the right one: {self.choice_misses}",
            f"  said it does not know: {self.unknown}",
            f"out-of-scope questions: {self.null_total}, answered anyway: {self.null_answered}, "
            f"answered as unsure: {self.null_tentative}",
        ]


Case = Tuple[str, Tuple[str, ...]]  # a question and the articles that answer it (none: out of scope)


def load_cases(path: Path) -> List[Case]:
    """Labelled questions: `- {slug: X, q: "...", also: [Y]}`; `also` lists articles
    written after the set that an independent annotator found also answer it."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [(str(r["q"]), tuple(([r["slug"]] if r.get("slug") else []) + list(r.get("also") or []))) for r in rows]


def evaluate(index: Index, cases: Iterable[Case]) -> RetrievalScore:
    score = RetrievalScore()
    for question, answers in cases:
        result = index.search(text_without_place(question), 3)
        got = result.best.slug if result.best else None
        offered = [h.slug for h in result.hits]
        expected = answers[0] if answers else None
        if got in answers:
            expected = got
        elif any(a in offered for a in answers):
            expected = next(a for a in answers if a in offered)
        if expected is None:
            score.null_total += 1
            if result.decision == "tentative":
                score.null_tentative += 1
            if result.decision == "answer":
                score.null_answered += 1
                score.mistakes.append(("null-answered", expected, got or "", question))
            continue
        score.total += 1
        if result.decision == "answer":
            if got == expected:
                score.answered_right += 1
            else:
                score.answered_wrong += 1
                score.mistakes.append(("WRONG", expected, got or "", question))
        elif result.decision == "tentative":
            if got == expected:
                score.tentative_right += 1
            elif expected in offered:
                score.tentative_wrong_offered += 1
            else:
                score.tentative_wrong += 1
                score.mistakes.append(("unsure-wrong", expected, got or "", question))
        elif result.decision == "choose":
            if expected in offered:
                score.choice_contains += 1
            else:
                score.choice_misses += 1
                score.mistakes.append(("choice-miss", expected, ",".join(offered), question))
        else:
            score.unknown += 1
            score.mistakes.append(("unknown", expected, "", question))
    return score


def folds(docs: Sequence[ArticleDoc], k: int = 2) -> List[Tuple[List[ArticleDoc], List[Case]]]:
    """K-fold split of the example questions: index on some, ask the others."""
    out: List[Tuple[List[ArticleDoc], List[Case]]] = []
    for fold in range(k):
        train: List[ArticleDoc] = []
        test: List[Case] = []
        for doc in docs:
            keep = tuple(q for i, q in enumerate(doc.questions) if i % k != fold)
            test += [(q, (doc.slug,)) for i, q in enumerate(doc.questions) if i % k == fold]
            train.append(ArticleDoc(doc.slug, doc.title, keep, doc.text, doc.tags))
        out.append((train, test))
    return out
