"""Handoff tickets: masking, queue order, staffed hours, double take, restarts."""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge import handoff
from knowledge.db import forget_engines, session_scope
from knowledge.masking import mask
from tests.helpers import race_to_take
from tests.staff_accounts import logged_in

AMS = dt.timezone(dt.timedelta(hours=1))  # November: CET


@pytest.mark.parametrize(
    "text,hidden",
    [
        ("mijn bsn is 123456782", "123456782"),
        ("bel me op 06-12345678", "06-12345678"),
        ("of +31 6 1234 5678", "+31 6 1234 5678"),
        ("mail naar jan.jansen@example.nl", "jan.jansen@example.nl"),
        ("rekening NL91ABNA0417164300", "NL91ABNA0417164300"),
    ],
)
def test_personal_data_is_masked(text: str, hidden: str) -> None:
    assert hidden not in mask(text)


def test_helpline_numbers_stay_readable() -> None:
    text = "Bel Veilig Thuis 0800-2000, 113 of 0800-0113, of 112."
    assert mask(text) == text


def test_ticket_keeps_masked_transcript_and_urgency(seeded_db: str) -> None:
    with session_scope() as session:
        ticket = handoff.create_ticket(
            session,
            "conv-mask",
            [
                handoff.Line("parent", "mijn man slaat me, bel 0612345678"),
                handoff.Line("bot", "Bel Veilig Thuis: 0800-2000."),
            ],
            level="disclosure",
            municipality="Almere",
        )
        texts = [m.text for m in ticket.messages]
        assert "0612345678" not in " ".join(texts) and "[telefoon]" in texts[0]
        assert "0800-2000" in texts[1]
        assert ticket.urgency == 1 and ticket.municipality == "Almere"
        again = handoff.create_ticket(session, "conv-mask", [], level=None, municipality=None)
        assert again.public_id == ticket.public_id


def test_queue_is_ordered_by_urgency_then_waiting_time(seeded_db: str) -> None:
    with session_scope() as session:
        ids = [
            handoff.create_ticket(session, f"conv-q{i}", [], level, None).public_id
            for i, level in enumerate([None, "distress", "acute", None])
        ]
    with session_scope() as session:
        order = [t.public_id for t in handoff.queue(session) if t.public_id in ids]
    assert order == [ids[2], ids[1], ids[0], ids[3]]


def test_two_staff_members_cannot_take_the_same_ticket(seeded_db: str) -> None:
    with session_scope() as session:
        public_id = handoff.create_ticket(session, "conv-race", [], "acute", None).public_id
    results = race_to_take(public_id, 8)
    assert results.count("refused") == 7
    with session_scope() as session:
        assert handoff.get(session, public_id).taken_by in results


def test_ticket_survives_a_restart(seeded_db: str) -> None:
    with session_scope() as session:
        ticket = handoff.create_ticket(session, "conv-restart", [handoff.Line("parent", "hallo")], None, None)
        handoff.add_message(session, ticket, "parent", "ik wacht nog")
        public_id = ticket.public_id
    forget_engines()  # a new process builds new engines
    with session_scope() as session:
        again = handoff.get(session, public_id)
        assert [m.text for m in again.messages] == ["hallo", "ik wacht nog"]


@pytest.mark.parametrize(
    "when,place,expected",
    [
        (dt.datetime(2026, 11, 23, 10, 0, tzinfo=AMS), None, True),  # Monday morning
        (dt.datetime(2026, 11, 23, 19, 0, tzinfo=AMS), None, False),  # Monday evening
        (dt.datetime(2026, 11, 23, 19, 0, tzinfo=AMS), "Almere", True),  # Almere has evening hours
        (dt.datetime(2026, 11, 22, 11, 0, tzinfo=AMS), "Almere", False),  # Sunday
    ],
)
def test_staffed_hours(when: dt.datetime, place: str, expected: bool) -> None:
    assert handoff.staffed(place, when) is expected


@pytest.fixture()
def client(seeded_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from knowledge.config import settings
    from webapp.app import create_app

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens: resume must fail softly
    settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as c:
        yield c
    settings.cache_clear()


def staff_client(client: TestClient, name: str) -> TestClient:
    """Another browser on the same app, logged in as NAME (with the CSRF header set)."""
    other = TestClient(client.app, base_url="https://testserver")
    other.headers["X-CSRF-Token"] = logged_in(other, name)
    return other


def test_parent_and_staff_chat_through_the_api(client: TestClient) -> None:
    with session_scope() as session:
        ticket = handoff.create_ticket(
            session, "conv-api", [handoff.Line("parent", "ik wil iemand spreken")], "distress", "Almere"
        )
        public_id, token = ticket.public_id, ticket.parent_token
    base = f"/api/v1/handoff/{public_id}"
    assert client.get(base).status_code == 403
    assert client.get(base, headers={"X-Ticket-Token": "fout"}).status_code == 403
    sent = client.post(
        f"{base}/messages", json={"text": "mijn nummer is 0612345678"}, headers={"X-Ticket-Token": token}
    )
    assert sent.status_code == 200
    assert client.post(f"{base}/messages", json={"text": "  "}, headers={"X-Ticket-Token": token}).status_code == 422

    assert client.get("/staff/api/queue").status_code == 401
    anna, bob = staff_client(client, "anna"), staff_client(client, "bob")
    queue = anna.get("/staff/api/queue").json()
    assert any(t["ticket"] == public_id for t in queue)
    transcript = anna.get(f"/staff/api/tickets/{public_id}").json()["messages"]
    assert "[telefoon]" in transcript[-1]["text"] and "0612345678" not in str(transcript)

    assert anna.post(f"/staff/api/tickets/{public_id}/messages", json={"text": "hoi"}).status_code == 409
    assert anna.post(f"/staff/api/tickets/{public_id}/take").status_code == 200
    assert bob.post(f"/staff/api/tickets/{public_id}/take").status_code == 409
    assert bob.post(f"/staff/api/tickets/{public_id}/messages", json={"text": "Hallo, ik ben Anna."}).status_code == 409
    assert (
        anna.post(f"/staff/api/tickets/{public_id}/messages", json={"text": "Hallo, ik ben Anna."}).status_code == 200
    )
    seen = client.get(base, headers={"X-Ticket-Token": token}).json()
    assert seen["status"] == "connected"
    assert seen["handoff"] == {"kind": "handoff", "status": "connected", "ticket": public_id}
    assert any(m["sender"] == "staff" and m["text"] == "Hallo, ik ben Anna." for m in seen["messages"])

    assert bob.post(f"/staff/api/tickets/{public_id}/close").status_code == 403  # not his ticket
    ended = anna.post(f"/staff/api/tickets/{public_id}/handback").json()
    assert ended["status"] == "ended" and ended["bot_resumed"] is False
    assert (
        client.post(f"{base}/messages", json={"text": "nog iets"}, headers={"X-Ticket-Token": token}).status_code == 409
    )


def test_safety_still_runs_while_waiting_for_staff(client: TestClient) -> None:
    with session_scope() as session:
        ticket = handoff.create_ticket(session, "conv-escalate", [], None, None)
        public_id, token = ticket.public_id, ticket.parent_token
    reply = client.post(
        f"/api/v1/handoff/{public_id}/messages",
        json={"text": "ik wil niet meer leven"},
        headers={"X-Ticket-Token": token},
    ).json()
    assert reply["safety"] == "suicide"
    with session_scope() as session:
        assert handoff.get(session, public_id).urgency == 0


def test_callback_request_keeps_the_contact_the_parent_chose_to_give(client: TestClient) -> None:
    with session_scope() as session:
        ticket = handoff.create_ticket(session, "conv-callback", [], None, "Urk", status="unavailable")
        public_id, token = ticket.public_id, ticket.parent_token
    reply = client.post(
        f"/api/v1/handoff/{public_id}/callback", json={"contact": "06-12345678"}, headers={"X-Ticket-Token": token}
    )
    assert reply.status_code == 200 and "bellen" in reply.json()["text"]
    queue = staff_client(client, "anna").get("/staff/api/queue").json()
    entry = next(t for t in queue if t["ticket"] == public_id)
    assert entry["status"] == "callback" and entry["callback_contact"] == "06-12345678"


def test_expired_and_deleted_conversations_are_gone(seeded_db: str) -> None:
    with session_scope() as session:
        old = handoff.create_ticket(session, "conv-old", [handoff.Line("parent", "oud")], None, None)
        old.created_at = dt.datetime(2020, 1, 1)
        fresh = handoff.create_ticket(session, "conv-fresh", [], None, None)
        mine = handoff.create_ticket(session, "conv-delete-me", [], None, None)
        old_id, fresh_id, mine_id = old.public_id, fresh.public_id, mine.public_id
    with session_scope() as session:
        assert handoff.purge_expired(session, days=30) >= 1
        assert handoff.delete_conversation(session, "conv-delete-me") == 1
    with session_scope() as session:
        for gone in (old_id, mine_id):
            with pytest.raises(handoff.TicketUnavailable):
                handoff.get(session, gone)
        assert handoff.get(session, fresh_id)
