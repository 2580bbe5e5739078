"""The editor's preview (/editor/voorbeeld/{version}): the real chat widget on a
page of its own, answering with a version that is not published yet.

The widget (web_widget/widget.js, unchanged) is pointed with `data-api-url` at
a preview copy of the chat API under this page's address. Each message there
is answered by knowledge.editorial.preview (the chat's own respond() with the
version made live in a savepoint that is rolled back) and folded by the same
`api_chat.group()` as the chat's replies, so the widget shows exactly what a
parent would see. The widget sends no cookies: the address carries the login
session's id and an HMAC of the version keyed with that session's CSRF token,
so it works only for the editor who opened it, until they log out.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from knowledge.accounts import permissions
from knowledge.accounts.permissions import Principal
from knowledge.accounts.sessions import Current
from knowledge.db import session_scope
from knowledge.editorial import preview, versions
from knowledge.input_check import MAX_CHARS, clean
from knowledge.models import Article, LoginSession, User, utcnow
from knowledge.municipalities import canonical_municipality
from webapp.api_articles import RETRIEVER
from webapp.api_chat import ChatMessage, group, with_checked
from webapp.auth import page_user
from webapp.templates import templates

router = APIRouter(tags=["redactie"])
BASE = "/editor/voorbeeld"
NO_HANDOFF = (
    "In dit voorbeeld kun je niet met een medewerker praten. In de echte chat kan dat wel. "
    "Dan komt het gesprek in de wachtrij van de medewerkers."
)


DB_INT_LIMIT = 2**63  # SQLite and PostgreSQL BIGINT
GONE = "Dit voorbeeld bestaat niet (meer). Open het opnieuw vanuit de redactie."


def _signature(csrf: str, version_id: int) -> str:
    return hmac.new(csrf.encode(), f"voorbeeld:{version_id}".encode(), hashlib.sha256).hexdigest()[:40]


def _editor_of(session_id: int, signature: str, version_id: int) -> None:
    """404 unless the address was made for this version by a logged-in editor."""
    if not (0 < session_id < DB_INT_LIMIT and 0 < version_id < DB_INT_LIMIT):
        # A number the database cannot hold is no session or version (found by schemathesis).
        raise HTTPException(404, GONE)
    with session_scope() as session:
        row = session.get(LoginSession, session_id)
        user = session.get(User, row.user_id) if row is not None else None
        ok = (
            row is not None
            and user is not None
            and user.active
            and row.expires_at > utcnow()
            and hmac.compare_digest(signature, _signature(row.csrf_token, version_id))
        )
        if ok and user is not None:
            try:
                permissions.edits_content(Principal.of(user))
            except permissions.Forbidden:
                ok = False
    if not ok:
        raise HTTPException(404, GONE)


def _examples(session: Any, article: str, data: Dict[str, Any]) -> List[str]:
    questions = data.get("example_questions")
    if questions is None:
        questions = session.execute(select(Article.example_questions).where(Article.slug == article)).scalar() or []
    return [str(q) for q in questions][:3]


@router.get(BASE + "/{version_id}", response_class=HTMLResponse)
def preview_page(
    request: Request, version_id: int, gemeente: Optional[str] = None, who: Current = Depends(page_user)
) -> Response:
    permissions.edits_content(who.principal)
    with session_scope() as session:
        try:
            version = versions.by_id(session, version_id)
        except versions.VersionError as exc:
            raise HTTPException(404, str(exc)) from exc
        data = dict(version.data)
        article = preview.article_of(data, version.kind, version.key)
        places = [str(m) for m in data.get("municipalities") or []]
        place = canonical_municipality(gemeente or "") or (places[0] if places else "")
        context = {
            "who": who,
            "version": versions.as_dict(version),
            "title": data.get("title") or version.key,
            "municipality": place,
            "places": places,
            "examples": _examples(session, article, data),
            "api_url": f"{BASE}/{version_id}/{who.session_id}/{_signature(who.csrf, version_id)}",
            "ask": preview.ask_payload(article),
            "storage_key": f"jb-voorbeeld-{version_id}-{place}",
        }
    response = templates.TemplateResponse(request, "voorbeeld.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post(BASE + "/{version_id}/{session_id}/{signature}/chat/messages")
def preview_message(version_id: int, session_id: int, signature: str, body: ChatMessage) -> Dict[str, Any]:
    """What the chat would answer with this version live: the same reply shape as POST /chat/messages."""
    _editor_of(session_id, signature, version_id)
    text = clean(body.text)[:MAX_CHARS]  # as the chat's action reads a message
    if text == "/ask_human":
        return {"messages": [{"text": NO_HANDOFF, "buttons": [], "custom": None}], "to": "bot"}
    place = canonical_municipality(body.municipality or "")
    with session_scope() as session:
        try:
            reply = preview.preview(session, RETRIEVER, version_id, text, place)
        except versions.VersionError as exc:
            raise HTTPException(404, str(exc)) from exc
        # As Rasa's REST channel sends an answer: its text and buttons, then its payload.
        raw: List[Dict[str, Any]] = []
        for answer in reply.answers:
            raw += [{"text": answer.text, "buttons": answer.buttons}, {"custom": dict(answer.payload)}]
        messages = group(raw)
        for message in messages:
            with_checked(session, message)
    return {"messages": messages, "to": "bot"}


@router.get(BASE + "/{version_id}/{session_id}/{signature}/chat/health")
def preview_health(version_id: int, session_id: int, signature: str) -> Dict[str, Any]:
    _editor_of(session_id, signature, version_id)
    return {"bot": True}


@router.get(BASE + "/{version_id}/{session_id}/{signature}/chat/updates")
def preview_updates(version_id: int, session_id: int, signature: str) -> Dict[str, Any]:
    _editor_of(session_id, signature, version_id)
    return {"status": "none", "messages": []}


@router.delete(BASE + "/{version_id}/{session_id}/{signature}/chat/conversations/{conversation}")
def preview_forget(version_id: int, session_id: int, signature: str, conversation: str) -> Dict[str, Any]:
    """'Gesprek wissen' in the preview: nothing was stored."""
    _editor_of(session_id, signature, version_id)
    return {"deleted": True, "tickets": 0, "bot": True}
