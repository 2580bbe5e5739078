"""Handoff to a person: tickets, the queue, staffed hours and the transcript.

A ticket keeps the conversation so far (masked), how urgent it is and the
municipality. Taking a ticket is one conditional UPDATE, so two staff members
can never take the same ticket, whatever process they are in.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from knowledge.config import settings
from knowledge.masking import mask
from knowledge.models import Ticket, TicketMessage, utcnow

URGENCY = {"acute": 0, "suicide": 0, "disclosure": 1, "distress": 2, None: 3}
OPEN = ("queued", "connected")
WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
TZ = ZoneInfo("Europe/Amsterdam")


class TicketUnavailable(Exception):
    """The ticket is gone, closed, or already taken by someone else."""


@dataclass(frozen=True)
class Line:
    sender: str  # parent | bot | staff | system
    text: str


@lru_cache(maxsize=4)
def staff_hours(path: Optional[Path] = None) -> Dict[str, Dict[str, Tuple[dt.time, dt.time]]]:
    """Staffed hours per municipality (lower case; '*' is the default)."""
    path = path or settings().staff_hours_path
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    table: Dict[str, Dict[str, Tuple[dt.time, dt.time]]] = {}
    for place, days in raw.items():
        table[place.casefold()] = {}
        for day, span in (days or {}).items():
            opens, closes = (dt.time.fromisoformat(t.strip()) for t in str(span).split("-"))
            table[place.casefold()][day] = (opens, closes)
    return table


def staffed(municipality: Optional[str], now: Optional[dt.datetime] = None) -> bool:
    """Are staff answering chats for this municipality at this moment?"""
    local = (now or dt.datetime.now(dt.timezone.utc)).astimezone(TZ)
    table = staff_hours(settings().staff_hours_path)
    key = (municipality or "").casefold()
    hours = table[key] if key in table else table.get("*", {})
    span = hours.get(WEEKDAYS[local.weekday()])
    return bool(span and span[0] <= local.time() < span[1])


def open_ticket(session: Session, conversation_id: str) -> Optional[Ticket]:
    return (
        session.execute(select(Ticket).where(Ticket.conversation_id == conversation_id, Ticket.status.in_(OPEN)))
        .scalars()
        .first()
    )


def create_ticket(
    session: Session,
    conversation_id: str,
    transcript: Iterable[Line],
    level: Optional[str],
    municipality: Optional[str],
    status: str = "queued",
) -> Ticket:
    """A new ticket with the masked transcript, or the conversation's open one."""
    existing = open_ticket(session, conversation_id)
    if existing is not None:
        return existing
    ticket = Ticket(
        public_id=secrets.token_urlsafe(9),
        conversation_id=conversation_id,
        parent_token=secrets.token_urlsafe(24),
        urgency=URGENCY.get(level, 3),
        level=level,
        municipality=municipality,
        status=status,
    )
    ticket.messages = [TicketMessage(sender=line.sender, text=mask(line.text)) for line in transcript if line.text]
    session.add(ticket)
    session.flush()
    return ticket


def queue(session: Session) -> List[Ticket]:
    """Open tickets: most urgent first, then longest waiting."""
    return list(
        session.execute(
            select(Ticket).where(Ticket.status.in_(OPEN + ("callback",))).order_by(Ticket.urgency, Ticket.created_at)
        ).scalars()
    )


def get(session: Session, public_id: str) -> Ticket:
    ticket = session.execute(select(Ticket).where(Ticket.public_id == public_id)).scalar_one_or_none()
    if ticket is None:
        raise TicketUnavailable(public_id)
    return ticket


def take(session: Session, public_id: str, staff: str) -> Ticket:
    """Assign the ticket to STAFF, unless someone else was first."""
    result = session.execute(
        update(Ticket)
        .where(Ticket.public_id == public_id, Ticket.status.in_(("queued", "callback")))
        .values(status="connected", taken_by=staff, taken_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TicketUnavailable(public_id)
    ticket = get(session, public_id)
    session.refresh(ticket)
    add_message(session, ticket, "system", "Een medewerker is er nu voor je.")
    return ticket


def add_message(session: Session, ticket: Ticket, sender: str, text: str) -> TicketMessage:
    if ticket.status not in OPEN + ("callback", "unavailable"):
        raise TicketUnavailable(ticket.public_id)
    # Staff keep their own first name ("Hoi, ik ben Anna."); everything else is masked.
    message = TicketMessage(ticket_id=ticket.id, sender=sender, text=mask(text, names=sender != "staff"))
    session.add(message)
    session.flush()
    return message


def escalate(ticket: Ticket, level: Optional[str]) -> None:
    """Raise the ticket's urgency when a later message is more serious."""
    if level and URGENCY[level] < ticket.urgency:
        ticket.urgency, ticket.level = URGENCY[level], level


def request_callback(session: Session, ticket: Ticket, contact: str) -> None:
    """The parent chose to leave a phone number or e-mail: kept unmasked for the callback."""
    ticket.callback_contact = contact.strip()[:200]
    ticket.status = "callback"
    add_message(session, ticket, "system", "De ouder vraagt om teruggebeld te worden.")


def finish(session: Session, ticket: Ticket, staff: str, how: str) -> None:
    """Hand the conversation back to the bot ('handback') or close it ('close')."""
    if ticket.status not in OPEN + ("callback",):
        raise TicketUnavailable(ticket.public_id)
    text = (
        "De medewerker geeft het gesprek terug aan de chat."
        if how == "handback"
        else "De medewerker heeft het gesprek afgesloten."
    )
    add_message(session, ticket, "system", text)
    ticket.status = "ended"
    ticket.closed_at = utcnow()
    ticket.taken_by = ticket.taken_by or staff


def messages_after(ticket: Ticket, after_id: int = 0) -> List[TicketMessage]:
    return [m for m in ticket.messages if m.id > after_id]


def delete_conversation(session: Session, conversation_id: str) -> int:
    """Remove every ticket of a conversation, at the parent's request."""
    tickets = session.execute(select(Ticket).where(Ticket.conversation_id == conversation_id)).scalars().all()
    for ticket in tickets:
        session.delete(ticket)
    return len(tickets)


def purge_expired(session: Session, days: int, now: Optional[dt.datetime] = None) -> int:
    """Delete tickets ended (or left untouched) more than DAYS ago."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    old = (
        session.execute(
            select(Ticket).where(
                or_(Ticket.closed_at < cutoff, (Ticket.closed_at.is_(None)) & (Ticket.created_at < cutoff))
            )
        )
        .scalars()
        .all()
    )
    for ticket in old:
        session.delete(ticket)
    return len(old)
