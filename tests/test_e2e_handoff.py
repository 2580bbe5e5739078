"""Handoff end to end: Rasa pauses, staff take over in the web app, the bot resumes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from knowledge import handoff as tickets
from knowledge.db import session_scope
from scripts import services
from tests.helpers import PORTS, custom, say, texts
from tests.staff_accounts import StaffHTTP

pytestmark = pytest.mark.e2e
WEB = f"http://127.0.0.1:{PORTS.web}"


def call(
    method: str, path: str, body: Any = None, user: Optional[str] = None, token: Optional[str] = None
) -> tuple[int, Any]:
    if user:
        return _staff(user).call(method, path, body)
    headers: Dict[str, str] = {"Content-Type": "application/json"}
    if token:
        headers["X-Ticket-Token"] = token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(WEB + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def parent_token(stack_db: Path, public_id: str) -> str:
    """The ticket's token, from the database: it is never in a reply or in Rasa's tracker."""
    with session_scope(f"sqlite:///{stack_db}") as session:
        return str(tickets.get(session, public_id).parent_token)


_SESSIONS: Dict[str, StaffHTTP] = {}


def _staff(user: str) -> StaffHTTP:
    """One logged-in browser per staff member (login form, cookie, CSRF token)."""
    if user not in _SESSIONS:
        _SESSIONS[user] = StaffHTTP(WEB, user)
    return _SESSIONS[user]


def test_safety_signal_then_handoff_to_staff_and_back(stack: services.Services, stack_db: Path) -> None:
    sender = uuid.uuid4().hex
    first = say("mijn man slaat mij al maanden. mijn nummer is 0612345678", sender)
    assert custom(first) == {"kind": "safety", "level": "disclosure"}
    assert any(b.get("payload") == "/ask_human" for m in first for b in m.get("buttons", []))

    queued = say("/ask_human", sender)
    handoff = custom(queued)
    assert handoff["kind"] == "handoff" and handoff["status"] == "queued"
    ticket = handoff["ticket"]
    assert "token" not in handoff
    token = parent_token(stack_db, ticket)
    assert say("hallo, is er iemand?", sender) == []  # the bot is paused for this conversation

    assert call("POST", f"/api/v1/handoff/{ticket}/messages", {"text": "ik wacht"}, token=token)[0] == 200
    status, queue = call("GET", "/staff/api/queue", user="anna")
    entry = next(t for t in queue if t["ticket"] == ticket)
    assert entry["level"] == "disclosure" and entry["urgency"] == 1
    status, full = call("GET", f"/staff/api/tickets/{ticket}", user="anna")
    transcript = " ".join(m["text"] for m in full["messages"])
    assert "slaat" in transcript and "ik wacht" in transcript
    assert "0612345678" not in transcript and "[telefoon]" in transcript

    assert call("POST", f"/staff/api/tickets/{ticket}/take", user="anna")[0] == 200
    assert call("POST", f"/staff/api/tickets/{ticket}/take", user="bob")[0] == 409
    assert call("POST", f"/staff/api/tickets/{ticket}/messages", {"text": "Hoi, ik ben Anna."}, user="anna")[0] == 200
    status, seen = call("GET", f"/api/v1/handoff/{ticket}", token=token)
    assert seen["status"] == "connected" and any(m["text"] == "Hoi, ik ben Anna." for m in seen["messages"])

    status, ended = call("POST", f"/staff/api/tickets/{ticket}/handback", user="anna")
    assert ended["status"] == "ended" and ended["bot_resumed"] is True
    assert custom(say("Wat doet Veilig Thuis?", sender))["article"] == "veilig-thuis"
    after = say("ik wil niet meer leven", sender)
    assert custom(after) == {"kind": "safety", "level": "suicide"} and len(after) <= 6


def test_ticket_survives_a_restart_of_the_web_app(stack: services.Services, stack_db: Path) -> None:
    sender = uuid.uuid4().hex
    ticket = custom(say("ik wil een mens spreken", sender))
    assert ticket["status"] == "queued"
    token = parent_token(stack_db, ticket["ticket"])
    call("POST", f"/api/v1/handoff/{ticket['ticket']}/messages", {"text": "nog steeds hier"}, token=token)
    stack.restart("web")
    stack.restart("actions")
    status, full = call("GET", f"/staff/api/tickets/{ticket['ticket']}", user="bob")
    assert status == 200 and "nog steeds hier" in " ".join(m["text"] for m in full["messages"])


def test_outside_staffed_hours_a_callback_is_offered(stack: services.Services, stack_db: Path) -> None:
    sender = uuid.uuid4().hex
    say("ik woon in Urk", sender)
    reply = say("ik wil een mens spreken", sender)
    data = custom(reply)
    assert data["status"] == "unavailable"
    assert "0800-2000" in texts(reply) and "112" in texts(reply)
    assert say("Wat doet Veilig Thuis?", sender)  # not paused: the bot still answers
    status, body = call(
        "POST",
        f"/api/v1/handoff/{data['ticket']}/callback",
        {"contact": "06-11112222"},
        token=parent_token(stack_db, data["ticket"]),
    )
    assert status == 200


def test_parent_can_delete_the_conversation(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    ticket = custom(say("ik wil een mens spreken", sender))
    call("POST", f"/staff/api/tickets/{ticket['ticket']}/take", user="anna")
    call("POST", f"/staff/api/tickets/{ticket['ticket']}/close", user="anna")
    asked = say("verwijder mijn gesprek", sender)
    assert custom(asked)["kind"] == "confirm_delete"
    assert call("GET", f"/staff/api/tickets/{ticket['ticket']}", user="anna")[0] == 200
    messages = say('/delete_conversation{"confirm": "ja"}', sender)
    reply = custom(messages)
    assert reply["kind"] == "deleted" and reply["tickets"] == 1 and len(messages) == 2
    assert custom(say("Wat doet Veilig Thuis?", sender))["article"] == "veilig-thuis"
    assert call("GET", f"/staff/api/tickets/{ticket['ticket']}", user="anna")[0] == 404
