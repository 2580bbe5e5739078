"""End to end: a Dutch question through the trained Rasa model, the running
action server, the web app and a real SQLite database, over real HTTP."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

from scripts import services
from scripts.train import MODELS
from tests.helpers import PORTS, custom, rasa_api, say, texts
from tests.staff_accounts import StaffHTTP

pytestmark = pytest.mark.e2e


def test_question_is_answered_from_the_knowledge_base(stack: services.Services) -> None:
    reply = say("Wat doet Veilig Thuis?")
    data = custom(reply)
    assert data["kind"] == "answer" and data["article"] == "veilig-thuis"
    assert data["sources"] and "0800-2000" in texts(reply)


def test_municipality_is_remembered_for_the_conversation(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    assert custom(say("ik woon in Almere", sender))["municipality"] == "Almere"
    data = custom(say("hoe vind ik een clientondersteuner?", sender))
    assert data["article"] == "clientondersteuner-vinden"
    assert data["municipality"] == "Almere" and data["local"] is True


def test_amersfoort_local_version(stack: services.Services) -> None:
    reply = say("Ik woon in Amersfoort. Wat kan het wijkteam voor ons doen?")
    data = custom(reply)
    assert data["article"] == "wijkteam" and data["local"] is True
    assert "Amersfoort" in texts(reply)


def test_embed_municipality_from_widget_metadata(stack: services.Services) -> None:
    data = custom(say("wat kan het wijkteam voor ons doen", metadata={"municipality": "Almere"}))
    assert data["municipality"] == "Almere" and data["local"] is True


@pytest.mark.parametrize(
    "text,kind",
    [
        ("", "input"),
        ("😀😀😀🙏", "input"),
        ("What does Veilig Thuis do with my children?", "input"),
    ],
)
def test_unusable_input_gets_a_clear_dutch_reply(stack: services.Services, text: str, kind: str) -> None:
    reply = say(text)
    assert custom(reply)["kind"] == kind and texts(reply).strip()


def test_html_and_huge_messages_break_nothing(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    reply = say("<script>alert('x')</script> wat doet de raad voor de kinderbescherming", sender)
    assert custom(reply)["kind"] in ("answer", "choice")
    huge = say("Wat doet Veilig Thuis? " + "a" * 10000, sender)
    assert texts(huge).strip()
    after = say("Wat doet Veilig Thuis?", sender)
    assert custom(after)["article"] == "veilig-thuis"


def test_new_article_is_answered_without_retraining(stack: services.Services) -> None:
    article = {
        "title": "Wat is een gezinscoach?",
        "category": "ondersteuning",
        "short_answer": "Een gezinscoach komt bij je thuis en helpt je gezin. Samen kies je de doelen.",
        "example_questions": ["wat doet een gezinscoach", "krijgen wij een gezinscoach"],
        "sources": [
            {"title": "NJi – Wat doet een wijkteam", "url": "https://www.nji.nl/wijkteams/wat-doet-een-wijkteam"}
        ],
        "last_checked": None,
        "review": {"status": "te-controleren", "note": "test"},
    }
    status_before, models_before = rasa_status(), model_files()
    editor = StaffHTTP(f"http://127.0.0.1:{PORTS.web}", "eind")
    assert editor.call("PUT", "/api/v1/articles/gezinscoach", article)[0] == 200
    data = custom(say("Wat doet een gezinscoach eigenlijk?"))
    assert data["article"] == "gezinscoach"
    # The same model answers: nothing was trained, loaded or written.
    status_after = rasa_status()
    assert status_after["model_id"] == status_before["model_id"]
    assert status_after["num_active_training_jobs"] == 0
    assert model_files() == models_before
    assert stack.get("rasa").alive()


def rasa_status() -> Dict[str, Any]:
    return rasa_api("/status")


def model_files() -> Dict[str, float]:
    return {p.name: p.stat().st_mtime for p in MODELS.glob("*")}


def test_safety_message_gets_emergency_line(stack: services.Services) -> None:
    reply = say("help hij slaat mijn moeder nu en hij heeft een mes")
    data = custom(reply)
    assert data == {"kind": "safety", "level": "acute"}
    assert "112" in texts(reply)


def _socketio_say(session_id: str, text: str, until: str) -> List[Dict[str, Any]]:
    """One page load: connect, resume the session, send TEXT, collect replies."""
    import socketio

    received: List[Dict[str, Any]] = []
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", lambda data: received.append(data))
    client.connect(f"http://127.0.0.1:{PORTS.rasa}", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session_id})
        client.emit("user_uttered", {"message": text, "session_id": session_id})
        for _ in range(150):
            if any(m.get("kind") == until for m in received):
                break
            client.sleep(0.2)
    finally:
        client.disconnect()
    return received


def test_socketio_channel_answers_and_keeps_the_session(stack: services.Services) -> None:
    session_id = uuid.uuid4().hex
    first = _socketio_say(session_id, "ik woon in Almere", "municipality")
    assert any(m.get("municipality") == "Almere" for m in first)
    # A page reload: a new connection with the same session id continues the conversation.
    second = _socketio_say(session_id, "hoe vind ik een clientondersteuner?", "answer")
    answer = next(m for m in second if m.get("kind") == "answer")
    assert answer["article"] == "clientondersteuner-vinden" and answer["local"] is True
    assert any(m.get("text") for m in second)


def test_distress_is_acknowledged_and_the_question_answered(stack: services.Services) -> None:
    reply = say("ik ben echt radeloos en ik slaap niet meer. wat doet veilig thuis eigenlijk?")
    payloads = [m["custom"] for m in reply if "custom" in m]
    # The acknowledgement comes first, then the answer to the question in the message.
    assert payloads[0]["kind"] == "safety" and payloads[0]["level"] == "distress"
    answered = [p for p in payloads if p.get("kind") == "answer"]
    assert answered and answered[0]["article"] == "veilig-thuis"
    assert "0800-0113" in texts(reply)
