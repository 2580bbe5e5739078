"""Handoff endpoints for the parent's widget (ticket token) and for staff (login)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Header, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from knowledge import audit, handoff
from knowledge.accounts import permissions
from knowledge.accounts.sessions import Current
from knowledge.config import REPO_ROOT, settings
from knowledge.db import session_scope
from knowledge.input_check import clean
from knowledge.models import Ticket, TicketMessage, utcnow
from knowledge.safety import detect
from webapp.auth import api_user, page_user, writer
from webapp.rasa_client import resume_conversation

parent = APIRouter(prefix="/api/v1/handoff", tags=["doorverbinden (ouder)"])
staff = APIRouter(prefix="/staff", tags=["doorverbinden (medewerkers)"])
MAX_TEXT = 10000


class Text(BaseModel):
    text: str


class Contact(BaseModel):
    contact: str


def _message_json(message: TicketMessage) -> Dict[str, Any]:
    return {
        "id": message.id,
        "sender": message.sender,
        "text": message.text,
        "at": message.created_at.isoformat() + "Z",
    }


def _ticket_json(ticket: Ticket, with_messages: bool = False, after: int = 0) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "ticket": ticket.public_id,
        "status": ticket.status,
        "urgency": ticket.urgency,
        "level": ticket.level,
        "municipality": ticket.municipality,
        "taken_by": ticket.taken_by,
        "waiting_seconds": int((utcnow() - ticket.created_at).total_seconds()),
        "callback_contact": ticket.callback_contact,
        "handoff": {"kind": "handoff", "status": ticket.status, "ticket": ticket.public_id},
    }
    if with_messages:
        data["messages"] = [_message_json(m) for m in handoff.messages_after(ticket, after)]
    return data


def _usable_text(text: str) -> str:
    cleaned = clean(text)
    if not cleaned:
        raise HTTPException(422, "Je bericht is leeg. Typ eerst wat je wilt zeggen.")
    return cleaned[:MAX_TEXT]


def _parent_ticket(session: Session, public_id: str, token: Optional[str]) -> Ticket:
    try:
        ticket = handoff.get(session, public_id)
    except handoff.TicketUnavailable:
        raise HTTPException(404, "Dit gesprek bestaat niet (meer).") from None
    if not token or token != ticket.parent_token:
        raise HTTPException(403, "Je hebt geen toegang tot dit gesprek.")
    return ticket


@parent.get("/{public_id}")
def parent_poll(public_id: str, after: int = 0, x_ticket_token: Optional[str] = Header(None)) -> Dict[str, Any]:
    """Status and new messages for the parent's widget."""
    with session_scope() as session:
        ticket = _parent_ticket(session, public_id, x_ticket_token)
        data = _ticket_json(ticket, with_messages=True, after=after)
        data.pop("callback_contact")
        return data


@parent.post("/{public_id}/messages")
def parent_message(public_id: str, body: Text, x_ticket_token: Optional[str] = Header(None)) -> Dict[str, Any]:
    """A message from the parent while waiting or talking to staff; safety still runs."""
    text = _usable_text(body.text)
    signal = detect(text)
    with session_scope() as session:
        ticket = _parent_ticket(session, public_id, x_ticket_token)
        try:
            message = handoff.add_message(session, ticket, "parent", text)
        except handoff.TicketUnavailable:
            raise HTTPException(409, "Dit gesprek is afgesloten. Je praat weer met de chat.") from None
        handoff.escalate(ticket, signal.level)
        return {"id": message.id, "safety": signal.level}


@parent.post("/{public_id}/callback")
def parent_callback(public_id: str, body: Contact, x_ticket_token: Optional[str] = Header(None)) -> Dict[str, Any]:
    contact = _usable_text(body.contact)
    with session_scope() as session:
        ticket = _parent_ticket(session, public_id, x_ticket_token)
        handoff.request_callback(session, ticket, contact)
        return {"status": ticket.status, "text": "Dank je. We bellen of mailen je zo snel mogelijk, op een werkdag."}


@staff.get("", response_class=HTMLResponse)
def console(who: Current = Depends(page_user)) -> str:
    permissions.handles_tickets(who.principal)
    return (REPO_ROOT / "web_widget" / "staff.html").read_text(encoding="utf-8")


@staff.get("/api/queue")
def staff_queue(who: Current = Depends(api_user)) -> List[Dict[str, Any]]:
    """The open tickets of this staff member's municipalities (and those without one)."""
    permissions.handles_tickets(who.principal)
    with session_scope() as session:
        handoff.purge_expired(session, settings().retention_days)
        return [
            _ticket_json(t)
            for t in handoff.queue(session)
            if t.municipality is None or who.principal.covers(t.municipality)
        ]


def _visible_ticket(session: Session, public_id: str, who: Current) -> Ticket:
    try:
        ticket = handoff.get(session, public_id)
    except handoff.TicketUnavailable:
        raise HTTPException(404, "Dit gesprek bestaat niet.") from None
    permissions.sees_ticket(who.principal, ticket.municipality)
    return ticket


@staff.get("/api/tickets/{public_id}")
def staff_ticket(public_id: str, after: int = 0, who: Current = Depends(api_user)) -> Dict[str, Any]:
    with session_scope() as session:
        return _ticket_json(_visible_ticket(session, public_id, who), with_messages=True, after=after)


@staff.post("/api/tickets/{public_id}/take")
def staff_take(public_id: str, who: Current = Depends(writer)) -> Dict[str, Any]:
    with session_scope() as session:
        _visible_ticket(session, public_id, who)
        try:
            ticket = handoff.take(session, public_id, who.principal.username)
        except handoff.TicketUnavailable:
            raise HTTPException(409, "Een collega heeft dit gesprek al aangenomen, of het is gesloten.") from None
        audit.record(session, who.principal.username, "gesprek-aangenomen", "ticket", public_id, None, "connected")
        return _ticket_json(ticket)


def _own_ticket(session: Session, public_id: str, who: Current) -> Ticket:
    ticket = _visible_ticket(session, public_id, who)
    if ticket.taken_by != who.principal.username or ticket.status != "connected":
        raise HTTPException(409, "Neem het gesprek eerst aan.")
    return ticket


@staff.post("/api/tickets/{public_id}/messages")
def staff_message(public_id: str, body: Text, who: Current = Depends(writer)) -> Dict[str, Any]:
    text = _usable_text(body.text)
    with session_scope() as session:
        ticket = _own_ticket(session, public_id, who)
        message = handoff.add_message(session, ticket, "staff", text)
        # The log says that a message was sent, never what it said.
        audit.record(session, who.principal.username, "bericht-gestuurd", "ticket", public_id, None, message.id)
        return _message_json(message)


@staff.post("/api/tickets/{public_id}/{how}")
def staff_finish(public_id: str, how: str, who: Current = Depends(writer)) -> Dict[str, Any]:
    if how not in ("handback", "close"):
        raise HTTPException(404, "Onbekende actie.")
    with session_scope() as session:
        ticket = _visible_ticket(session, public_id, who)
        permissions.finishes_ticket(who.principal, ticket.municipality, ticket.taken_by)
        old = ticket.status
        try:
            handoff.finish(session, ticket, who.principal.username, how)
        except handoff.TicketUnavailable:
            raise HTTPException(409, "Dit gesprek is al afgesloten.") from None
        action = "gesprek-teruggegeven" if how == "handback" else "gesprek-afgesloten"
        audit.record(session, who.principal.username, action, "ticket", public_id, old, ticket.status)
        conversation_id = ticket.conversation_id
        data = _ticket_json(ticket)
    data["bot_resumed"] = resume_conversation(conversation_id)
    return data
