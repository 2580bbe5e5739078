"""The chat endpoints the website widget talks to (and only these).

The browser never talks to Rasa: the web app forwards each message to Rasa's
REST channel (bot/channels/rest.py, /webhooks/rest/webhook) over the internal
network and returns the bot's messages. While a person has the conversation
(a handoff ticket is queued or connected), the parent's messages go to the
ticket instead, and the widget polls `GET /chat/updates` for the staff's
messages and the ticket's status.

The conversation id is made by the widget (a random UUID kept in the browser
session) and is the parent's only key to the conversation: nobody else knows
it, and it is never logged.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import handoff, insights
from knowledge.config import settings
from knowledge.db import session_scope
from knowledge.input_check import clean
from knowledge.models import Article, Ticket
from knowledge.municipalities import canonical_municipality
from knowledge.safety import detect
from webapp import rasa_client

log = logging.getLogger(__name__)
router = APIRouter(prefix="/chat", tags=["chat (widget)"])

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_TEXT = 10000
OPEN = ("queued", "connected")
DAY_NAMES = {"ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag", "vr": "vrijdag"}
DAY_NAMES.update({"za": "zaterdag", "zo": "zondag"})
# Shown when Rasa answered with nothing and nobody has the conversation.
EMPTY_REPLY = (
    "Er kwam geen antwoord. Probeer je vraag anders te typen. Is er direct gevaar? Bel 112. "
    "Zorgen over geweld of kindermishandeling? Bel Veilig Thuis: 0800-2000 (gratis, dag en nacht)."
)


class ChatMessage(BaseModel):
    conversation: str
    text: str
    municipality: Optional[str] = None


class Callback(BaseModel):
    conversation: str
    contact: str


def _conversation(value: str) -> str:
    if not CONVERSATION_ID.match(value or ""):
        raise HTTPException(400, "Onbekend gesprek. Laad de pagina opnieuw.")
    return value


def _municipality(name: Optional[str]) -> Optional[str]:
    if not name or not name.strip():
        return None
    return canonical_municipality(name.strip()[:120]) or None


def group(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rasa's REST channel sends a text and its custom payload as two messages:
    fold each payload into the text before it, so the widget gets one message each."""
    out: List[Dict[str, Any]] = []
    for message in messages:
        text = message.get("text")
        custom = message.get("custom")
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in message.get("buttons") or []
            if isinstance(b, dict) and b.get("title")
        ]
        last = out[-1] if out else None
        if isinstance(custom, dict) and not text and last is not None and last["custom"] is None:
            last["custom"] = custom
            last["buttons"] = last["buttons"] or buttons
            continue
        out.append({"text": text or "", "buttons": buttons, "custom": custom if isinstance(custom, dict) else None})
    return out


def with_checked(session: Session, message: Dict[str, Any]) -> None:
    """Answers say when the editors last checked them: the payload's `checked`
    when the bot sends it, else the article's last_checked (null: not yet checked)."""
    custom = message.get("custom") or {}
    if custom.get("kind") != "answer" or "checked" in custom or not custom.get("article"):
        return
    checked = session.execute(select(Article.last_checked).where(Article.slug == custom["article"])).scalar()
    custom["checked"] = checked.isoformat() if isinstance(checked, dt.date) else None


def _handoff_info(session: Session, ticket: Ticket) -> Dict[str, Any]:
    info: Dict[str, Any] = {"status": ticket.status, "ticket": ticket.public_id}
    if ticket.status == "unavailable":
        info["hours"] = staffed_hours(ticket.municipality)
    return info


def staffed_hours(municipality: Optional[str]) -> List[str]:
    """The staffed hours as lines a parent can read, e.g. 'maandag: 09:00 tot 17:00'."""
    table = handoff.staff_hours(settings().staff_hours_path)
    key = (municipality or "").casefold()
    hours = table[key] if key in table else table.get("*", {})
    lines = []
    for day in handoff.WEEKDAYS:
        if day in hours:
            opens, closes = hours[day]
            lines.append(f"{DAY_NAMES[day]}: {opens:%H:%M} tot {closes:%H:%M}")
    return lines


def _last_ticket(session: Session, conversation: str) -> Optional[Ticket]:
    return (
        session.execute(
            select(Ticket).where(Ticket.conversation_id == conversation).order_by(Ticket.id.desc()).limit(1)
        )
        .scalars()
        .first()
    )


def _to_staff(session: Session, ticket: Ticket, text: str) -> Dict[str, Any]:
    """A message while a person has the conversation: to the ticket; safety still runs."""
    signal = detect(text)
    handoff.add_message(session, ticket, "parent", text)
    handoff.escalate(ticket, signal.level)
    return {"messages": [], "handoff": _handoff_info(session, ticket), "safety": signal.level, "to": "staff"}


@router.post("/messages")
def post_message(body: ChatMessage) -> Dict[str, Any]:
    """One message from the parent; the bot's reply (or: delivered to the staff member)."""
    conversation = _conversation(body.conversation)
    text = clean(body.text)[:MAX_TEXT]
    if not text:
        return {"messages": [{"text": "Je bericht is leeg. Typ eerst je vraag.", "buttons": [], "custom": None}]}
    with session_scope() as session:
        ticket = handoff.open_ticket(session, conversation)
        if ticket is not None:
            return _to_staff(session, ticket, text)
    metadata = {"municipality": _municipality(body.municipality)}
    try:
        raw = rasa_client.send_message(conversation, text, metadata)
    except rasa_client.BotUnavailable:
        raise HTTPException(503, "De chat werkt nu even niet.") from None
    messages = group(raw)
    result: Dict[str, Any] = {"messages": messages, "to": "bot"}
    with session_scope() as session:
        # For the editors' insights: a question the bot could not answer well, masked, without the conversation.
        miss = insights.miss_of(next((m["custom"] for m in messages if m.get("custom")), None))
        if miss and not text.startswith("/"):
            insights.record(session, text, miss[0], miss[1], metadata["municipality"])
        for message in messages:
            with_checked(session, message)
            custom = message.get("custom") or {}
            if custom.get("kind") == "handoff":
                custom.pop("token", None)  # the widget's key is the conversation id
        ticket = handoff.open_ticket(session, conversation) or _last_ticket(session, conversation)
        handing_off = any((m.get("custom") or {}).get("kind") == "handoff" for m in messages)
        if ticket is not None and (handing_off or ticket.status in OPEN):
            result["handoff"] = _handoff_info(session, ticket)
    if not messages and "handoff" not in result:
        result["messages"] = [{"text": EMPTY_REPLY, "buttons": [], "custom": {"kind": "empty"}}]
    return result


@router.get("/updates")
def updates(conversation: str = Query(...), after: int = 0) -> Dict[str, Any]:
    """Polled by the widget during a handoff: the ticket's status and new staff messages."""
    conversation = _conversation(conversation)
    with session_scope() as session:
        ticket = _last_ticket(session, conversation)
        if ticket is None:
            return {"status": "none", "messages": []}
        data = _handoff_info(session, ticket)
        data["messages"] = [
            {"id": m.id, "sender": m.sender, "text": m.text}
            for m in handoff.messages_after(ticket, after)
            if m.sender in ("staff", "system")
        ]
        data["last_id"] = max([after] + [m.id for m in ticket.messages])
        return data


@router.post("/callback")
def callback(body: Callback) -> Dict[str, Any]:
    """Nobody is there: the parent leaves a phone number or e-mail address."""
    conversation = _conversation(body.conversation)
    contact = clean(body.contact)
    if not contact:
        raise HTTPException(422, "Vul eerst een telefoonnummer of e-mailadres in.")
    with session_scope() as session:
        ticket = _last_ticket(session, conversation)
        if ticket is None or ticket.status != "unavailable":
            raise HTTPException(409, "Vraag eerst om een medewerker.")
        handoff.request_callback(session, ticket, contact)
        return {"status": ticket.status, "text": "Dank je. We bellen of mailen je zo snel mogelijk, op een werkdag."}


@router.delete("/conversations/{conversation}")
def forget(conversation: str) -> Dict[str, Any]:
    """'Gesprek wissen': remove the conversation from the bot's memory and every ticket."""
    conversation = _conversation(conversation)
    with session_scope() as session:
        tickets = handoff.delete_conversation(session, conversation)
    bot = rasa_client.forget_conversation(conversation)
    return {"deleted": bot, "tickets": tickets, "bot": bot}


@router.get("/health")
def health() -> Dict[str, Any]:
    """Whether the bot can be reached: the widget asks this before it retries."""
    return {"bot": rasa_client.bot_reachable()}
