"""The reference tool for cliëntondersteuners (/naslag): no login, published content only.

Search answers what the bot would answer (knowledge.dialogue.respond, the one
function that decides); browse by phase of the route and by organisation; an
article with its sections, sources, check date and every local version side by
side; the glossary; a print view of one A4 to give to a parent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from knowledge import answers, glossary, insights
from knowledge.db import session_scope
from knowledge.dialogue import decision, respond
from knowledge.models import Article, LocalVersion
from knowledge.municipalities import canonical_municipality
from webapp.api_articles import RETRIEVER
from webapp.auth import who_is
from webapp.templates import templates

router = APIRouter(prefix="/naslag", tags=["naslag"])

PHASES = [
    ("zorgen", "Zorgen"),
    ("melding", "Melding"),
    ("onderzoek", "Onderzoek"),
    ("rechter", "Kinderrechter"),
    ("maatregel", "Maatregel"),
    ("na-maatregel", "Einde van de maatregel"),
    ("altijd", "In elke fase"),
]
ORGANISATIONS = [
    ("wijkteam", "Wijkteam"),
    ("veilig-thuis", "Veilig Thuis"),
    ("raad", "Raad voor de Kinderbescherming"),
    ("gi", "Gecertificeerde instelling (GI)"),
    ("kinderrechter", "Kinderrechter"),
    ("gemeente", "Gemeente"),
    ("juridisch-loket", "Juridisch Loket"),
]
DECISIONS = {
    "answer": "De chat geeft dit antwoord.",
    "tentative": "De chat geeft dit antwoord, maar zegt dat hij het niet zeker weet.",
    "choose": "De chat weet het niet zeker en biedt deze onderwerpen aan.",
    "unknown": "De chat weet hier geen antwoord op.",
    "deadline": "De chat rekent een termijn uit.",
}


def _page(request: Request, template: str, **context: Any) -> Response:
    response = templates.TemplateResponse(request, template, {"who": who_is(request), **context})
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _place(name: Optional[str]) -> Optional[str]:
    return canonical_municipality(name) if name and name.strip() else None


def _listing(session: Any, facet: Optional[str], value: Optional[str]) -> List[Article]:
    rows = session.execute(select(Article).where(Article.published.is_(True)).order_by(Article.title)).scalars().all()
    if facet and value:
        rows = [r for r in rows if value in (r.tags or {}).get(facet, [])]
    return list(rows)


@router.get("", response_class=HTMLResponse)
def home(
    request: Request,
    q: Optional[str] = Query(None, max_length=500),
    gemeente: Optional[str] = Query(None, max_length=120),
    fase: Optional[str] = Query(None, max_length=40),
    organisatie: Optional[str] = Query(None, max_length=40),
) -> Response:
    place = _place(gemeente)
    context: Dict[str, Any] = {"q": q or "", "gemeente": place or (gemeente or ""), "phases": PHASES}
    context.update({"organisations": ORGANISATIONS, "fase": fase, "organisatie": organisatie})
    with session_scope() as session:
        if q and q.strip():
            reply = respond(session, RETRIEVER, q.strip(), municipality=place, acknowledge=False)
            first = reply.answers[0] if reply.answers else None
            kind = decision(reply)
            miss = insights.miss_of(first.payload if first else {"kind": "unknown"})
            if miss:
                insights.record(session, q, miss[0], miss[1], place, source="naslag")
            hits = RETRIEVER.index(session).score_all(q)[:5]
            context.update(
                {
                    "decision": DECISIONS.get(kind, kind),
                    "answer": first,
                    "hits": [{"slug": h.slug, "title": h.title} for h in hits],
                }
            )
        facet, value = ("phase", fase) if fase else ("organisation", organisatie)
        if value:
            context["listing"] = [{"slug": a.slug, "title": a.title} for a in _listing(session, facet, value)]
            labels = dict(PHASES + ORGANISATIONS)
            context["listing_title"] = labels.get(value, value)
    return _page(request, "naslag.html", **context)


def _article_context(session: Any, slug: str, place: Optional[str]) -> Dict[str, Any]:
    article = answers.published_article(session, slug)
    if article is None:
        raise HTTPException(404, "Dit artikel bestaat niet.")
    locals_ = (
        session.execute(select(LocalVersion).where(LocalVersion.article_slug == slug).order_by(LocalVersion.key))
        .scalars()
        .all()
    )
    related = [answers.published_article(session, r) for r in article.related or []]
    chat = answers.article_answer(session, slug, place)
    return {
        "article": article,
        "locals": locals_,
        "gemeente": place or "",
        "chat": chat,
        "related": [r for r in related if r is not None],
    }


@router.get("/artikel/{slug}", response_class=HTMLResponse)
def article_page(request: Request, slug: str, gemeente: Optional[str] = Query(None, max_length=120)) -> Response:
    with session_scope() as session:
        return _page(request, "naslag_artikel.html", **_article_context(session, slug, _place(gemeente)))


@router.get("/artikel/{slug}/print", response_class=HTMLResponse)
def print_view(request: Request, slug: str, gemeente: Optional[str] = Query(None, max_length=120)) -> Response:
    """One A4 for a parent: the answer (local where there is one), sources, check date, helplines."""
    with session_scope() as session:
        return _page(request, "naslag_print.html", **_article_context(session, slug, _place(gemeente)))


@router.get("/begrippen", response_class=HTMLResponse)
def terms(request: Request) -> Response:
    with session_scope() as session:
        return _page(request, "naslag_begrippen.html", terms=glossary.all_terms(session))
