"""What the bot could not answer well, for the editors: no personal data.

A question is kept only when the bot did not know (unknown), offered topics to
choose from (choose) or answered unsure (tentative). It is stored masked
(knowledge.masking), then scrubbed once more: every capitalised word inside a
sentence that is not a municipality or a word of an article title becomes
[naam], and every run of five or more digits [getal]. No conversation id, no
exact time (only the ISO week), and at most 200 characters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import question_groups
from knowledge.language import fold, words
from knowledge.masking import mask
from knowledge.models import Article, UnansweredQuestion
from knowledge.municipalities import canonical_municipality

MAX_CHARS = 200
DECISIONS = ("unknown", "choose", "tentative")
LABELS = {"unknown": "geen antwoord", "choose": "onderwerpen aangeboden", "tentative": "niet zeker"}
_WORD = re.compile(r"\b([A-ZÀ-Ý][\w'-]*)")
_DIGITS = re.compile(r"\d{5,}")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)$")


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _known_words(session: Session) -> Set[str]:
    titles = session.execute(select(Article.title)).scalars()
    return {fold(w) for title in titles for w in words(title)}


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """The question without anything that could point to a person."""
    keep = set(known)
    text = _DIGITS.sub("[getal]", mask(" ".join(text.split())))

    def name(match: re.Match) -> str:
        word = match.group(1)
        before = text[: match.start()]
        if _SENTENCE_START.search(before) or fold(word) in keep or canonical_municipality(word):
            return word
        return "[naam]"

    text = _WORD.sub(name, text)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def miss_of(payload: Optional[Dict[str, Any]]) -> Optional[Tuple[str, Optional[str]]]:
    """(decision, closest article) when an answer payload is a miss; None for a good answer."""
    if not payload:
        return None
    kind = payload.get("kind")
    if kind == "unknown":
        return "unknown", None
    if kind == "choice":
        options = payload.get("options") or [{}]
        return "choose", options[0].get("article")
    if kind == "answer" and payload.get("confident") is False:
        return "tentative", payload.get("article")
    return None


def record(
    session: Session,
    text: str,
    decision: str,
    topic: Optional[str],
    municipality: Optional[str],
    source: str = "chat",
    today: Optional[dt.date] = None,
) -> UnansweredQuestion:
    if decision not in DECISIONS:
        raise ValueError(f"not a miss: {decision}")
    row = UnansweredQuestion(
        week=week_of(today or dt.date.today()),
        question=scrub(text, _known_words(session)),
        decision=decision,
        topic=topic,
        municipality=municipality,
        source=source,
    )
    session.add(row)
    session.flush()
    return row


def summary(session: Session, weeks: int = 8, today: Optional[dt.date] = None) -> List[Dict[str, Any]]:
    """Per closest topic (None: no topic came close): counts per week and the
    groups of nearly the same questions (knowledge.question_groups), most asked
    first. A group belongs to the topic most of its questions were closest to."""
    day = today or dt.date.today()
    recent = [week_of(day - dt.timedelta(weeks=i)) for i in range(weeks)]
    rows = (
        session.execute(
            select(UnansweredQuestion).where(UnansweredQuestion.week.in_(recent)).order_by(UnansweredQuestion.id)
        )
        .scalars()
        .all()
    )
    titles = {slug: title for slug, title in session.execute(select(Article.slug, Article.title))}
    asked: Dict[str, List[UnansweredQuestion]] = defaultdict(list)
    for row in rows:
        asked[row.question].append(row)
    topics: Dict[Optional[str], List[Tuple[question_groups.Group, List[UnansweredQuestion]]]] = defaultdict(list)
    for found in question_groups.group({q: len(r) for q, r in asked.items()}):
        members = [row for q in found.questions for row in asked[q]]
        topics[Counter(r.topic for r in members).most_common(1)[0][0]].append((found, members))
    out = []
    for topic, groups in topics.items():
        items = [row for _, members in groups for row in members]
        per_week = Counter(i.week for i in items)
        entry: Dict[str, Any] = {
            "topic": topic,
            "title": titles.get(topic) if topic else None,
            "total": len(items),
            "per_week": [{"week": w, "count": per_week.get(w, 0)} for w in reversed(recent)],
            "questions": [
                {
                    "question": found.question,
                    "count": found.count,
                    "variants": [{"question": q, "count": n} for q, n in found.variants],
                    "decisions": dict(Counter(LABELS[i.decision] for i in members)),
                }
                for found, members in groups[:20]
            ],
        }
        out.append(entry)
    out.sort(key=lambda t: (-t["total"], t["topic"] or ""))
    return out


def largest_groups(topics: List[Dict[str, Any]], limit: int = 5) -> List[Dict[str, Any]]:
    """The groups asked two or more times, most asked first, with their topic."""
    found = [{**q, "topic": t["topic"], "title": t["title"]} for t in topics for q in t["questions"] if q["count"] > 1]
    return sorted(found, key=lambda q: (-q["count"], q["question"]))[:limit]
