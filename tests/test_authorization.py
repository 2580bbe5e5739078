"""Authorization on the server, per object: crafted requests of each role are refused."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge import handoff
from knowledge.config import settings
from knowledge.db import session_scope
from tests.staff_accounts import LOCAL_AMERSFOORT as LOCAL
from tests.staff_accounts import as_user

GENERAL = {
    "title": "Wat doet het wijkteam?",
    "category": "organisaties",
    "short_answer": "Het wijkteam helpt je gezin met opvoeden en opgroeien. Het is gratis en dichtbij.",
    "example_questions": ["wat doet het wijkteam", "wie zit er in het wijkteam"],
    "sources": [{"title": "NJi", "url": "https://www.nji.nl/wijkteams/wat-doet-een-wijkteam"}],
}


@pytest.fixture()
def app(seeded_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from webapp.app import create_app

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    settings.cache_clear()
    application = create_app()
    with TestClient(application, base_url="https://testserver"):
        yield application
    settings.cache_clear()


def bot_answer(client: TestClient, question: str, place: str) -> str:
    """What the chat answers (knowledge.dialogue.respond through the search API)."""
    body: Dict[str, Any] = client.get("/api/v1/search", params={"q": question, "municipality": place}).json()
    return str(body["reply"][0]["text"])


def test_redacteur_publishes_own_local_version_and_the_bot_answers_with_it(app: Any) -> None:
    red = as_user(app, "red-amersfoort")
    assert "Stadsring" not in bot_answer(red, "wat doet het wijkteam", "Amersfoort")
    saved = red.put("/api/v1/local/amersfoort-wijkteam", json=LOCAL)
    assert saved.status_code == 200 and saved.json()["live"] is True and saved.json()["status"] == "gepubliceerd"
    assert "Stadsring" in bot_answer(red, "wat doet het wijkteam", "Amersfoort")
    assert "Stadsring" not in bot_answer(red, "wat doet het wijkteam", "Almere")


@pytest.mark.parametrize(
    "key,body",
    [
        ("flevoland-wijkteam", {**LOCAL, "municipalities": ["Almere"]}),  # Almere's text
        ("flevoland-wijkteam", LOCAL),  # Almere's text, claiming to be Amersfoort's
        ("amersfoort-wijkteam", {**LOCAL, "municipalities": ["Amersfoort", "Almere"]}),  # adding Almere
        ("almere-nieuw", {**LOCAL, "municipalities": ["Almere"]}),  # a new text for Almere
    ],
)
def test_redacteur_cannot_touch_another_municipality(app: Any, key: str, body: Dict[str, Any]) -> None:
    red = as_user(app, "red-amersfoort")
    before = bot_answer(red, "wat doet het wijkteam", "Almere")
    response = red.put(f"/api/v1/local/{key}", json=body)
    assert response.status_code == 403 and "eigen gemeente" in response.json()["detail"]
    assert bot_answer(red, "wat doet het wijkteam", "Almere") == before


def test_redacteur_proposes_general_content_and_only_an_eindredacteur_publishes(app: Any) -> None:
    red, eind = as_user(app, "red-amersfoort"), as_user(app, "eind")
    before = bot_answer(red, "wat doet het wijkteam", "")
    assert red.put("/api/v1/articles/wijkteam?actie=publiceren", json=GENERAL).status_code == 403
    proposed = red.put("/api/v1/articles/wijkteam", json={**GENERAL, "reason": "korter"})
    assert proposed.status_code == 200 and proposed.json()["live"] is False
    assert proposed.json()["status"] == "ter-beoordeling"
    assert bot_answer(red, "wat doet het wijkteam", "") == before  # not live yet

    waiting = red.get("/api/v1/editorial/review").json()
    version = next(v for v in waiting if v["key"] == "wijkteam")
    assert any(c["field"] == "short_answer" for c in version["changes"])
    assert red.post(f"/api/v1/editorial/versions/{version['id']}/publish", json={}).status_code == 403
    assert red.post("/api/v1/editorial/article/wijkteam/restore/1").json()["live"] is False
    assert red.post("/api/v1/editorial/article/wijkteam/checked", json={}).status_code == 403

    published = eind.post(f"/api/v1/editorial/versions/{version['id']}/publish", json={"note": "goed"})
    assert published.status_code == 200 and published.json()["status"] == "gepubliceerd"
    assert published.json()["reviewed_by"] == "eind"
    assert "gratis en dichtbij" in bot_answer(red, "wat doet het wijkteam", "")


def test_roles_stay_in_their_own_area(app: Any) -> None:
    medewerker, red = as_user(app, "mw-almere"), as_user(app, "red-almere")
    assert medewerker.put("/api/v1/local/amersfoort-wijkteam", json=LOCAL).status_code == 403
    assert medewerker.get("/editor").status_code == 403
    assert red.get("/staff/api/queue").status_code == 403
    assert red.get("/staff").status_code == 403


def _ticket(municipality: str | None) -> str:
    with session_scope() as session:
        return handoff.create_ticket(session, f"conv-{municipality}-x", [], None, municipality).public_id


def test_medewerker_sees_only_own_municipalities_and_finishes_only_own_tickets(app: Any) -> None:
    almere, urk, unknown = _ticket("Almere"), _ticket("Urk"), _ticket(None)
    mw_almere, mw_urk, anna = as_user(app, "mw-almere"), as_user(app, "mw-urk"), as_user(app, "anna")
    beheer = as_user(app, "beheer")

    seen = {t["ticket"] for t in mw_almere.get("/staff/api/queue").json()}
    assert almere in seen and unknown in seen and urk not in seen
    assert mw_almere.get(f"/staff/api/tickets/{urk}").status_code == 403
    assert mw_almere.post(f"/staff/api/tickets/{urk}/take").status_code == 403
    assert mw_almere.post(f"/staff/api/tickets/{almere}/close").status_code == 403  # not taken by anyone yet

    assert mw_almere.post(f"/staff/api/tickets/{almere}/take").status_code == 200
    assert mw_urk.post(f"/staff/api/tickets/{almere}/close").status_code == 403  # another municipality
    refused = anna.post(f"/staff/api/tickets/{almere}/close")  # sees every municipality, did not take it
    assert refused.status_code == 403 and "aangenomen" in refused.json()["detail"]
    assert anna.post(f"/staff/api/tickets/{almere}/handback").status_code == 403
    assert anna.post(f"/staff/api/tickets/{almere}/messages", json={"text": "hoi"}).status_code == 409

    assert mw_urk.post(f"/staff/api/tickets/{urk}/take").status_code == 200
    assert beheer.post(f"/staff/api/tickets/{urk}/close").status_code == 200  # a beheerder may
    closed = mw_almere.post(f"/staff/api/tickets/{almere}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "ended"

    log = beheer.get("/api/v1/editorial/audit").json()
    done = [(e["actor"], e["action"], e["object_key"]) for e in log if e["object_type"] == "ticket"]
    assert ("mw-almere", "gesprek-afgesloten", almere) in done and ("beheer", "gesprek-afgesloten", urk) in done
