"""The web app's chat endpoints (/chat/*) over HTTP, with a stand-in for Rasa.

The stand-in is a real HTTP server on a free port that answers like Rasa's REST
channel, so the forwarding (real HTTP, the sender, the metadata) is what is
tested; the real Rasa server is used by tests/test_widget_browser.py.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest
from fastapi.testclient import TestClient

from knowledge import handoff
from knowledge.config import settings
from knowledge.db import session_scope

CONVERSATION = "0123456789abcdef0123"


class FakeRasa:
    """Answers /webhooks/rest/webhook with `reply`; records what it was sent."""

    def __init__(self) -> None:
        self.reply: List[Dict[str, Any]] = []
        self.received: List[Dict[str, Any]] = []
        self.replaced: List[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _body(self) -> Any:
                return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")

            def _send(self, data: Any) -> None:
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                fake.received.append(self._body())
                self._send(fake.reply)

            def do_PUT(self) -> None:  # noqa: N802
                fake.replaced.append(self.path)
                self._body()
                self._send({"events": []})

            def do_GET(self) -> None:  # noqa: N802
                self._send({"status": "ok"})

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture()
def rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    yield fake
    fake.server.shutdown()


@pytest.fixture()
def client(seeded_db: str, rasa: FakeRasa, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from webapp.app import create_app

    monkeypatch.setenv("RASA_URL", rasa.url)
    settings.cache_clear()
    with TestClient(create_app()) as c:
        yield c
    settings.cache_clear()


def test_forwards_to_rasa_and_folds_payloads_into_their_text(client: TestClient, rasa: FakeRasa) -> None:
    rasa.reply = [
        {"recipient_id": CONVERSATION, "text": "Veilig Thuis is ... Zie https://veiligthuis.nl."},
        {"recipient_id": CONVERSATION, "custom": {"kind": "answer", "article": "veilig-thuis", "sources": []}},
        {"recipient_id": CONVERSATION, "text": "Nog iets?", "buttons": [{"title": "Ja", "payload": "/affirm"}]},
    ]
    reply = client.post(
        "/chat/messages",
        json={"conversation": CONVERSATION, "text": "Wat doet Veilig Thuis?", "municipality": "almere"},
    ).json()
    assert rasa.received == [
        {"sender": CONVERSATION, "message": "Wat doet Veilig Thuis?", "metadata": {"municipality": "Almere"}}
    ]
    first, second = reply["messages"]
    assert first["custom"]["article"] == "veilig-thuis" and first["text"].startswith("Veilig Thuis is")
    # The article has no check date in the content: the widget must say so.
    assert "checked" in first["custom"] and first["custom"]["checked"] is None
    assert second == {"text": "Nog iets?", "buttons": [{"title": "Ja", "payload": "/affirm"}], "custom": None}


def test_a_checked_date_from_the_bot_is_kept(client: TestClient, rasa: FakeRasa) -> None:
    rasa.reply = [{"text": "x", "custom": {"kind": "answer", "article": "veilig-thuis", "checked": "2026-01-05"}}]
    reply = client.post("/chat/messages", json={"conversation": CONVERSATION, "text": "vraag"}).json()
    assert reply["messages"][0]["custom"]["checked"] == "2026-01-05"


def test_an_empty_reply_is_never_nothing(client: TestClient, rasa: FakeRasa) -> None:
    rasa.reply = []
    reply = client.post("/chat/messages", json={"conversation": CONVERSATION, "text": "hallo"}).json()
    assert len(reply["messages"]) == 1 and "112" in reply["messages"][0]["text"]


def test_bot_unreachable_is_503_and_bad_ids_are_refused(
    seeded_db: str, monkeypatch: pytest.MonkeyPatch, rasa: FakeRasa
) -> None:
    from webapp.app import create_app

    port = rasa.server.server_address[1]
    rasa.server.shutdown()
    rasa.server.server_close()
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{port}")
    settings.cache_clear()
    with TestClient(create_app()) as c:
        assert c.post("/chat/messages", json={"conversation": CONVERSATION, "text": "hallo"}).status_code == 503
        assert c.get("/chat/health").json() == {"bot": False}
        assert c.post("/chat/messages", json={"conversation": "kort", "text": "hallo"}).status_code == 400
        assert c.get("/chat/updates", params={"conversation": "../../x"}).status_code == 400
    settings.cache_clear()


def test_during_a_handoff_messages_go_to_the_ticket_and_staff_replies_come_back(
    client: TestClient, rasa: FakeRasa
) -> None:
    with session_scope() as session:
        ticket = handoff.create_ticket(session, CONVERSATION, [], None, "Almere")
        public_id = ticket.public_id
    reply = client.post(
        "/chat/messages", json={"conversation": CONVERSATION, "text": "ik ben bang dat hij me slaat, 0612345678"}
    ).json()
    assert rasa.received == [], "a message for staff must not go to the bot"
    assert reply["to"] == "staff" and reply["handoff"]["status"] == "queued" and reply["messages"] == []
    with session_scope() as session:
        ticket = handoff.get(session, public_id)
        assert "0612345678" not in ticket.messages[-1].text
        handoff.take(session, public_id, "anna")
        handoff.add_message(session, ticket, "staff", "Hoi, ik ben Anna.")
    update = client.get("/chat/updates", params={"conversation": CONVERSATION}).json()
    assert update["status"] == "connected"
    assert [m["text"] for m in update["messages"]] == ["Een medewerker is er nu voor je.", "Hoi, ik ben Anna."]
    later = client.get("/chat/updates", params={"conversation": CONVERSATION, "after": update["last_id"]}).json()
    assert later["messages"] == []
    assert client.get("/chat/updates", params={"conversation": "f" * 20}).json() == {"status": "none", "messages": []}


def test_forget_deletes_tickets_and_the_bots_memory(client: TestClient, rasa: FakeRasa) -> None:
    with session_scope() as session:
        handoff.create_ticket(session, CONVERSATION, [handoff.Line("parent", "hallo")], None, None)
    result = client.delete(f"/chat/conversations/{CONVERSATION}").json()
    assert result == {"deleted": True, "tickets": 1, "bot": True}
    assert rasa.replaced == [f"/conversations/{CONVERSATION}/tracker/events"]  # the JWT goes in a header
    with session_scope() as session:
        assert handoff.open_ticket(session, CONVERSATION) is None


def test_callback_only_when_nobody_is_there(client: TestClient) -> None:
    body = {"conversation": CONVERSATION, "contact": "0612345678"}
    assert client.post("/chat/callback", json=body).status_code == 409
    with session_scope() as session:
        handoff.create_ticket(session, CONVERSATION, [], None, "Urk", status="unavailable")
    assert client.post("/chat/callback", json={**body, "contact": "  "}).status_code == 422
    assert client.post("/chat/callback", json=body).json()["status"] == "callback"


def test_staffed_hours_in_plain_words(seeded_db: str) -> None:
    from webapp.api_chat import staffed_hours

    assert staffed_hours("Almere")[0] == "maandag: 09:00 tot 21:00"
    assert staffed_hours("Urk") == [
        f"{day}: 09:00 tot 17:00" for day in "maandag dinsdag woensdag donderdag vrijdag".split()
    ]


def test_demo_page_has_a_strict_csp_and_one_tag(client: TestClient) -> None:
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert page.text.count("<script") == 1 and "<style" not in page.text
    assert client.get("/widget/widget.js").headers["x-content-type-options"] == "nosniff"


def test_topic_buttons_point_at_published_articles(seeded_db: str) -> None:
    import re
    from pathlib import Path

    from sqlalchemy import select

    from knowledge.models import Article

    widget = (Path(__file__).resolve().parent.parent / "web_widget" / "widget.js").read_text(encoding="utf-8")
    block = widget[widget.index("var TOPICS") : widget.index("];", widget.index("var TOPICS"))]
    slugs = re.findall(r'\["[^"]+", "([a-z0-9-]+)"\]', block)
    assert 4 <= len(slugs) <= 6
    with session_scope() as session:
        published = set(session.execute(select(Article.slug).where(Article.published.is_(True))).scalars())
    assert set(slugs) <= published
