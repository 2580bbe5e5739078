"""Compose what the bot says from the knowledge base: text plus a payload.

Every answer carries a machine-readable payload so the widget and the tests can
see what was answered: {"kind": "answer", "article": ..., "sources": ...,
"checked": "YYYY-MM-DD" | None}. "checked" is the date someone checked the text
shown against its sources; None means nobody has (the widget then says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.glossary import Definition
from knowledge.models import Article, LocalVersion
from knowledge.retrieval import Hit

NO_LOCAL_YET = (
    "Dit is algemene informatie. Hoe het in {municipality} precies gaat, lees je op de "
    "website van je gemeente. Je kunt het ook vragen aan het wijkteam."
)
ASK_MUNICIPALITY = "Wil je weten hoe het in jouw gemeente gaat? Vertel me in welke gemeente je woont."


@dataclass(frozen=True)
class Answer:
    text: str
    payload: Dict[str, Any]
    buttons: List[Dict[str, str]] = field(default_factory=list)


def local_version(session: Session, slug: str, municipality: Optional[str]) -> Optional[LocalVersion]:
    """The municipality's version of an article, if an editor wrote one. The most
    specific wins: a municipality's own text over a regional one (flevoland-*)."""
    if not municipality:
        return None
    rows = (
        session.execute(select(LocalVersion).where(LocalVersion.article_slug == slug).order_by(LocalVersion.key))
        .scalars()
        .all()
    )
    wanted = municipality.casefold()
    mine = [r for r in rows if wanted in (m.casefold() for m in r.municipalities)]
    return min(mine, key=lambda r: len(r.municipalities), default=None)  # ties: the first key


def has_local_versions(session: Session, slug: str) -> bool:
    return (
        session.execute(select(LocalVersion.id).where(LocalVersion.article_slug == slug).limit(1)).first() is not None
    )


def checked_on(article: Article, local: Optional[LocalVersion] = None) -> Optional[str]:
    """The date the shown text was checked, as YYYY-MM-DD, or None if it was not.

    A local version is shown together with (or instead of, but citing) the general
    article, so it counts as checked only when both are; the older date is given.
    """
    dates: List[Optional[dt.date]] = [article.last_checked]
    if local is not None:
        dates.append(local.last_checked)
    if any(d is None for d in dates):
        return None
    return min(d for d in dates if d is not None).isoformat()


def published_article(session: Session, slug: str) -> Optional[Article]:
    return session.execute(
        select(Article).where(Article.slug == slug, Article.published.is_(True))
    ).scalar_one_or_none()


def article_answer(
    session: Session, slug: str, municipality: Optional[str] = None, section: Optional[str] = None
) -> Optional[Answer]:
    """The short answer of an article, local where the municipality has its own version.

    With SECTION (an aspect such as "termijn") and an article that has it, the
    answer is that section: what the parent asked, not the general summary.
    """
    article = published_article(session, slug)
    if article is None:
        return None
    local = local_version(session, slug, municipality)
    sources = list(article.sources)
    section_text = (article.sections or {}).get(section) if section else None
    if section_text:
        text = section_text
        if local is not None:
            sources = sources + list(local.sources)
    elif local is None:
        text = article.short_answer
        if has_local_versions(session, slug):
            text += "\n\n" + (NO_LOCAL_YET.format(municipality=municipality) if municipality else ASK_MUNICIPALITY)
    elif local.mode == "replace":
        text = local.short_answer
        sources = list(local.sources) + sources
    else:
        text = f"{article.short_answer}\n\n{local.short_answer}"
        sources = sources + list(local.sources)
    payload = {
        "kind": "answer",
        "article": article.slug,
        "title": article.title,
        "sources": sources,
        "municipality": municipality,
        "local": local is not None,
        "related": list(article.related),
        "checked": checked_on(article, local),
        "section": section if section_text else None,
        "sections": sorted((article.sections or {}).keys()),
        "confident": True,
    }
    return Answer(text=text, payload=payload)


def next_steps(session: Session, answer: Answer, next_label: str, limit: int = 3) -> List[Dict[str, str]]:
    """2-3 buttons for what a parent likely asks next: what happens after this
    (the article's "daarna" section), then related articles."""
    slug = answer.payload.get("article")
    buttons: List[Dict[str, str]] = []
    if "daarna" in answer.payload.get("sections", []) and answer.payload.get("section") != "daarna":
        buttons.append({"title": next_label, "payload": f'/ask_article{{"article": "{slug}", "section": "daarna"}}'})
    for related in answer.payload.get("related", []):
        if len(buttons) >= limit:
            break
        other = published_article(session, related)
        if other is not None:
            buttons.append({"title": other.title, "payload": f'/ask_article{{"article": "{other.slug}"}}'})
    return buttons


def tentative_answer(
    session: Session, hits: Sequence[Hit], municipality: Optional[str] = None, section: Optional[str] = None
) -> Optional[Answer]:
    """The likeliest article, said to be uncertain, with the next topics as buttons."""
    best = article_answer(session, hits[0].slug, municipality, section)
    if best is None:
        return None
    others = list(hits[1:3])
    return Answer(
        text=f"Ik weet niet zeker of dit je vraag beantwoordt.\n\n{best.text}",
        payload={
            **best.payload,
            "confident": False,
            "alternatives": [{"article": h.slug, "title": h.title} for h in others],
        },
        buttons=[
            {"title": f"Of bedoel je: {h.title}", "payload": f'/ask_article{{"article": "{h.slug}"}}'} for h in others
        ],
    )


def choice_answer(hits: Sequence[Hit]) -> Answer:
    """Offer the closest topics instead of guessing."""
    options = [{"article": h.slug, "title": h.title} for h in hits]
    buttons = [{"title": h.title, "payload": f'/ask_article{{"article": "{h.slug}"}}'} for h in hits]
    return Answer(
        text="Ik weet niet zeker wat je bedoelt. Gaat je vraag over een van deze onderwerpen?",
        payload={"kind": "choice", "options": options},
        buttons=buttons,
    )


def unknown_answer() -> Answer:
    return Answer(
        text=(
            "Daar weet ik geen goed antwoord op. Ik geef liever geen antwoord dan een fout "
            "antwoord. Je kunt je vraag anders stellen. Of vraag het aan het wijkteam van "
            "je gemeente. Typ 'ik wil een mens spreken' als je iemand wilt spreken."
        ),
        payload={"kind": "unknown"},
    )


def definition_answer(definition: Definition) -> Answer:
    text = f"{definition.term[:1].upper()}{definition.term[1:]}: {definition.definition}"
    payload: Dict[str, Any] = {"kind": "definition", "term": definition.term, "article": definition.article_slug}
    buttons = []
    if definition.article_slug:
        buttons.append(
            {"title": "Vertel me meer", "payload": f'/ask_article{{"article": "{definition.article_slug}"}}'}
        )
    return Answer(text=text, payload=payload, buttons=buttons)
