"""Knowledge API: articles, search and glossary (read), article editing (staff).

Writes go through knowledge.editorial: a version, the rules of who may publish
what, and an audit entry each. `actie` says what the editor wants: publiceren
(the default when allowed), voorstellen (for review) or concept.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from knowledge import answers, editorial, glossary
from knowledge.accounts import permissions
from knowledge.accounts.sessions import Current
from knowledge.config import REPO_ROOT
from knowledge.content_io import ContentError, article_to_dict, local_to_dict
from knowledge.db import session_scope
from knowledge.dialogue import DialogueState, decision, respond
from knowledge.models import Article, LocalVersion
from knowledge.municipalities import canonical_municipality
from knowledge.readability import warnings
from knowledge.retrieval import Retriever
from webapp.auth import api_user, page_user, writer

router = APIRouter(prefix="/api/v1", tags=["kennisbank"])
pages = APIRouter(tags=["redactie"])
RETRIEVER = Retriever()


def _municipality(name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    return canonical_municipality(name) or name


def _article_json(session: Any, row: Article, municipality: Optional[str]) -> Dict[str, Any]:
    data = article_to_dict(row)
    data["last_checked"] = row.last_checked.isoformat() if row.last_checked else None
    local = answers.local_version(session, row.slug, municipality)
    if local is not None:
        data["local"] = {
            **local_to_dict(local),
            "last_checked": local.last_checked.isoformat() if local.last_checked else None,
        }
    else:
        data["local"] = None
    data["municipality"] = municipality
    return data


@pages.get("/editor", response_class=HTMLResponse)
def editor(who: Current = Depends(page_user)) -> str:
    """The content editor: municipal editors change articles and local versions here."""
    permissions.edits_content(who.principal)
    return (REPO_ROOT / "web_widget" / "editor.html").read_text(encoding="utf-8")


@router.get("/articles")
def list_articles(municipality: Optional[str] = None) -> List[Dict[str, Any]]:
    """All published articles, with the municipality's local version where one exists."""
    place = _municipality(municipality)
    with session_scope() as session:
        rows = (
            session.execute(select(Article).where(Article.published.is_(True)).order_by(Article.category, Article.slug))
            .scalars()
            .all()
        )
        return [_article_json(session, r, place) for r in rows]


@router.get("/articles/{slug}")
def get_article(slug: str, municipality: Optional[str] = None) -> Dict[str, Any]:
    place = _municipality(municipality)
    with session_scope() as session:
        row = session.execute(
            select(Article).where(Article.slug == slug, Article.published.is_(True))
        ).scalar_one_or_none()
        if row is None:
            raise HTTPException(404, "Dit artikel bestaat niet.")
        return _article_json(session, row, place)


ACTIONS = {"publiceren": True, "voorstellen": True, "concept": False}


def _save(who: Current, kind: str, key: str, data: Dict[str, Any], actie: Optional[str]) -> Dict[str, Any]:
    if actie is not None and actie not in ACTIONS:
        raise HTTPException(422, "actie is publiceren, voorstellen of concept.")
    reason = str(data.pop("reason", "") or "")[:1000]
    if actie == "publiceren":
        if kind == "article":
            permissions.publishes_general(who.principal)
    try:
        with session_scope() as session:
            saved = editorial.save(
                session, who.principal, kind, key, data, reason, publish=ACTIONS.get(actie or "publiceren", True)
            )
            if actie == "publiceren" and not saved.live:
                raise permissions.Forbidden("Je mag dit niet publiceren. Je kunt het wel voorstellen.")
            result = {"version": saved.version.number, "status": saved.version.status, "live": saved.live}
            result["message"] = saved.message
    except editorial.VersionError as exc:
        raise HTTPException(422, str(exc)) from exc
    except (ContentError, ValueError) as exc:
        label = "Dit artikel" if kind == "article" else "Dit lokale stuk"
        raise HTTPException(422, f"{label} is niet compleet: {exc}") from exc
    return {**result, "warnings": warnings(str(data.get("short_answer", "")))}


@router.put("/articles/{slug}")
def put_article(
    slug: str, article: Dict[str, Any], actie: Optional[str] = None, who: Current = Depends(writer)
) -> Dict[str, Any]:
    """Create or change an article. An eindredacteur publishes at once (answerable
    without retraining); a redacteur's change waits for review."""
    if article.get("slug", slug) != slug:
        raise HTTPException(422, "De slug in de tekst hoort gelijk te zijn aan die in het adres.")
    result = _save(who, "article", slug, {k: v for k, v in article.items() if k != "slug"}, actie)
    return {"slug": slug, **result}


@router.get("/local")
def list_local(who: Current = Depends(api_user)) -> List[Dict[str, Any]]:
    """All local versions (editors), with whether this editor may change each."""
    permissions.edits_content(who.principal)
    with session_scope() as session:
        rows = session.execute(select(LocalVersion).order_by(LocalVersion.key)).scalars().all()
        out = []
        for r in rows:
            try:
                permissions.edits_local(who.principal, r.municipalities)
                mine = True
            except permissions.Forbidden:
                mine = False
            out.append(
                {
                    **local_to_dict(r),
                    "last_checked": r.last_checked.isoformat() if r.last_checked else None,
                    "editable": mine,
                }
            )
        return out


@router.put("/local/{key}")
def put_local(
    key: str, local: Dict[str, Any], actie: Optional[str] = None, who: Current = Depends(writer)
) -> Dict[str, Any]:
    """Create or change a municipality's version of an article (its own redacteur)."""
    return {"key": key, **_save(who, "local", key, {k: v for k, v in local.items() if k != "key"}, actie)}


@router.get("/search")
def search(
    q: str = Query(..., min_length=1, max_length=2000),
    municipality: Optional[str] = None,
    limit: int = Query(5, ge=1, le=20),
    topic: Optional[str] = Query(None, max_length=120, description="the article of the previous answer"),
    previous: Optional[str] = Query(None, max_length=300, description="the previous question"),
) -> Dict[str, Any]:
    """What the bot would answer (`reply`, decided by knowledge.dialogue.respond,
    the same function the chat uses), and the ranked articles for a reference
    tool. TOPIC and PREVIOUS let a follow-up question be read in context."""
    place = _municipality(municipality)
    state = DialogueState(article=topic, question=previous) if topic and previous else DialogueState()
    with session_scope() as session:
        reply = respond(session, RETRIEVER, q, state, place)
        hits = []
        for hit in RETRIEVER.index(session).score_all(q)[:limit]:
            answer = answers.article_answer(session, hit.slug, place)
            hits.append(
                {
                    "article": hit.slug,
                    "title": hit.title,
                    "score": hit.score,
                    "answer": answer.text if answer else None,
                    "local": bool(answer and answer.payload["local"]),
                    "sources": answer.payload["sources"] if answer else [],
                }
            )
        return {
            "query": q,
            "municipality": place,
            "decision": decision(reply),
            "reply": [{"text": a.text, "payload": a.payload, "buttons": a.buttons} for a in reply.answers],
            "state": reply.state.as_dict(),
            "results": hits,
        }


@router.get("/glossary")
def list_glossary() -> List[Dict[str, Any]]:
    with session_scope() as session:
        return [
            {"term": d.term, "definition": d.definition, "article": d.article_slug} for d in glossary.all_terms(session)
        ]
