"""The reference tool /naslag (no login) and the editors' insights, over HTTP."""

from __future__ import annotations

import re
from typing import List, Tuple

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from knowledge.db import engine, session_scope
from knowledge.models import UnansweredQuestion
from tests.staff_accounts import logged_in

# Our own held-out questions for the reference tool, written for this test from the
# outline's topics as a cliëntondersteuner would type them, not from the articles'
# example questions.
HELD_OUT: List[Tuple[str, str]] = [
    ("ouder wil weten wat de raad voor de kinderbescherming onderzoekt", "raadsonderzoek"),
    ("wat is een ondertoezichtstelling precies", "ondertoezichtstelling"),
    ("hoe kan een ouder een klacht indienen over de jeugdbeschermer", "klacht-indienen"),
    ("mag de ouder het dossier inzien", "dossier-inzien"),
    ("hoe lang heeft een ouder om in hoger beroep te gaan", "hoger-beroep"),
    ("krijgt de ouder een advocaat bij de zitting", "advocaat"),
    ("wat doet veilig thuis na een melding", "veilig-thuis-melding"),
    ("wanneer stopt een ots", "einde-maatregel"),
    ("wat is een schriftelijke aanwijzing van de gi", "schriftelijke-aanwijzing"),
    ("hoe bereidt een ouder zich voor op de zitting bij de kinderrechter", "zitting-voorbereiden"),
]


def answered_article(html: str) -> str:
    found = re.search(r'<div class="card">\s*<p><a href="/naslag/artikel/([a-z0-9-]+)', html)
    return found.group(1) if found else ""


def test_the_reference_tool_finds_the_right_article(client: TestClient) -> None:
    right = [
        slug
        for question, slug in HELD_OUT
        if answered_article(client.get("/naslag", params={"q": question}).text) == slug
    ]
    assert len(right) >= 8, f"right {len(right)}/{len(HELD_OUT)}"


def test_search_answers_like_the_chat_with_local_version_sources_and_check(client: TestClient) -> None:
    page = client.get("/naslag", params={"q": "hoe vind ik een clientondersteuner", "gemeente": "almere"})
    assert page.status_code == 200
    text = page.text
    assert answered_article(text) == "clientondersteuner-vinden" and "Almere" in text
    assert "Bronnen:" in text and ("Gecontroleerd op" in text or "Nog niet gecontroleerd" in text)
    assert "De chat geeft dit antwoord." in text


def test_article_page_shows_sections_sources_and_all_local_versions(client: TestClient) -> None:
    page = client.get("/naslag/artikel/wijkteam").text
    assert "<h1>Wat" in page or "<h1>" in page
    assert "Bronnen" in page and "Lokale versies" in page
    assert "Amersfoort" in page and "Amstelveen" in page  # local versions side by side
    assert client.get("/naslag/artikel/bestaat-niet").status_code == 404


def test_print_view_has_the_answer_and_helplines_without_the_site(client: TestClient) -> None:
    page = client.get("/naslag/artikel/wijkteam/print", params={"gemeente": "Amersfoort"}).text
    assert "Amersfoort" in page and "0800-2000" in page and "112" in page
    assert "<nav" not in page and "<form" not in page


def test_browse_by_phase_and_organisation_and_the_glossary(client: TestClient) -> None:
    phase = client.get("/naslag", params={"fase": "rechter"}).text
    assert "/naslag/artikel/kinderrechter" in phase or "/naslag/artikel/zitting-voorbereiden" in phase
    organisation = client.get("/naslag", params={"organisatie": "veilig-thuis"}).text
    assert "/naslag/artikel/veilig-thuis" in organisation
    assert "Begrippenlijst" in client.get("/naslag/begrippen").text


def test_misses_are_stored_masked_without_a_conversation_and_shown_to_editors(client: TestClient) -> None:
    question = "Mijn buurman Jan Pietersen belt 0612345678 over zijn kwartelhok"
    client.get("/naslag", params={"q": question})
    columns = {c["name"] for c in inspect(engine()).get_columns("unanswered_questions")}
    assert not {"conversation_id", "sender", "created_at"} & columns
    with session_scope() as session:
        stored = session.execute(select(UnansweredQuestion.question)).scalars().all()
    assert stored and all("0612345678" not in q and "Pietersen" not in q for q in stored)

    assert client.get("/inzichten", follow_redirects=False).status_code == 303
    logged_in(client, "mw-almere")
    assert client.get("/api/v1/insights").status_code == 403
    logged_in(client, "red-almere")
    page = client.get("/inzichten")
    assert page.status_code == 200 and "kwartelhok" in page.text and "/editor?nieuw=" in page.text
    topics = client.get("/api/v1/insights").json()["topics"]
    assert sum(t["total"] for t in topics) == len(stored)


def test_a_chat_question_the_bot_could_not_answer_is_kept_without_the_conversation(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from webapp import rasa_client

    replies = {
        "unknown": [{"text": "Daar weet ik geen goed antwoord op."}, {"custom": {"kind": "unknown"}}],
        "good": [
            {"text": "Veilig Thuis is..."},
            {"custom": {"kind": "answer", "article": "veilig-thuis", "confident": True}},
        ],
    }
    monkeypatch.setattr(
        rasa_client, "send_message", lambda _c, text, _m: replies["good" if "Veilig" in text else "unknown"]
    )
    conversation = "c0nversation-id-1234567"
    client.post("/chat/messages", json={"conversation": conversation, "text": "Wat doet Veilig Thuis?"})
    client.post(
        "/chat/messages",
        json={"conversation": conversation, "text": "mail me op jan@example.nl over de hamster", "municipality": "Urk"},
    )
    with session_scope() as session:
        rows = session.execute(select(UnansweredQuestion)).scalars().all()
        assert [(r.question, r.decision, r.municipality, r.source) for r in rows] == [
            ("mail me op [e-mail] over de hamster", "unknown", "Urk", "chat")
        ]
        assert conversation not in str([r.__dict__ for r in rows])
