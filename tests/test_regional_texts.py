"""Regional texts (flevoland-*): one local version for several municipalities.
The rule (knowledge.accounts.permissions.edits_local): a redacteur who works for
every municipality the text is used in may change it, e.g. one given the
province Flevoland; a redacteur of one municipality may not, and writes that
municipality's own version, which wins there over the regional text."""

from __future__ import annotations

from typing import Any, Dict, Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge.accounts import store
from knowledge.config import settings
from knowledge.db import session_scope
from tests.staff_accounts import STAFF, as_user, logged_in

FLEVOLAND = ["Almere", "Dronten", "Lelystad", "Noordoostpolder", "Urk", "Zeewolde"]
REGIONAL = {
    "article": "wijkteam",
    "municipalities": FLEVOLAND,
    "mode": "replace",
    "short_answer": "In Flevoland ga je naar het wijkteam van je gemeente. Bel je gemeente voor een afspraak.",
    "sources": [{"title": "Gemeente Lelystad", "url": "https://www.lelystad.nl"}],
}


@pytest.fixture()
def app(seeded_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from webapp.app import create_app

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    settings.cache_clear()
    with session_scope() as session:  # a redacteur for four of the six municipalities
        store.create_user(
            session,
            "red-vier",
            "vier-gemeenten-redactie-1",
            "redacteur",
            FLEVOLAND[:1] + FLEVOLAND[2:4] + FLEVOLAND[5:],
        )
    STAFF["red-vier"] = "vier-gemeenten-redactie-1"
    yield create_app()
    STAFF.pop("red-vier", None)
    settings.cache_clear()


def regional_redacteur(app: Any) -> TestClient:
    """The beheerder gives a new redacteur the province Flevoland (all its municipalities)."""
    beheer = TestClient(app, base_url="https://testserver")
    csrf = logged_in(beheer, "beheer")
    form = {"csrf": csrf, "username": "red-flevoland", "role": "redacteur", "municipalities": "Flevoland"}
    assert beheer.post("/beheer/accounts", data=form).status_code == 200
    with session_scope() as session:
        user = store.find(session, "red-flevoland")
        assert user is not None and user.municipalities == FLEVOLAND
        store.set_password(session, user, "flevoland-redactie-77")
    STAFF["red-flevoland"] = "flevoland-redactie-77"
    try:
        return as_user(app, "red-flevoland")
    finally:
        STAFF.pop("red-flevoland")


def answer(client: TestClient, place: str) -> str:
    body: Dict[str, Any] = client.get(
        "/api/v1/search", params={"q": "wat doet het wijkteam", "municipality": place}
    ).json()
    return str(body["reply"][0]["text"])


def test_a_redacteur_for_the_province_edits_the_regional_text(app: Any) -> None:
    red = regional_redacteur(app)
    saved = red.put("/api/v1/local/flevoland-wijkteam", json=REGIONAL)
    assert saved.status_code == 200 and saved.json()["live"] is True
    for place in ("Lelystad", "Urk", "Almere"):
        assert "Bel je gemeente voor een afspraak" in answer(red, place)
    assert "Bel je gemeente voor een afspraak" not in answer(red, "Amersfoort")

    wider = red.put("/api/v1/local/flevoland-wijkteam", json={**REGIONAL, "municipalities": [*FLEVOLAND, "Amersfoort"]})
    assert wider.status_code == 403 and "Amersfoort" in wider.json()["detail"]
    assert (
        red.put("/api/v1/local/amersfoort-wijkteam", json={**REGIONAL, "municipalities": ["Amersfoort"]}).status_code
        == 403
    )


@pytest.mark.parametrize("name", ["red-almere", "red-vier"])
def test_a_redacteur_for_some_of_the_municipalities_cannot_change_it(app: Any, name: str) -> None:
    red = as_user(app, name)
    before = answer(red, "Urk")
    for body in (REGIONAL, {**REGIONAL, "municipalities": ["Almere"]}):  # not even by narrowing it to their own
        refused = red.put("/api/v1/local/flevoland-wijkteam", json=body)
        assert refused.status_code == 403 and "eigen gemeente" in refused.json()["detail"]
    assert answer(red, "Urk") == before


def test_a_redacteur_covering_every_municipality_of_a_smaller_regional_text_may_change_that_one(app: Any) -> None:
    red = as_user(app, "red-vier")  # flevoland-route-jeugdbescherming is used in exactly these four
    text = red.get("/api/v1/local").json()
    route = next(t for t in text if t["key"] == "flevoland-route-jeugdbescherming")
    assert route["editable"] is True and sorted(route["municipalities"]) == sorted(
        FLEVOLAND[:1] + FLEVOLAND[2:4] + FLEVOLAND[5:]
    )
    assert next(t for t in text if t["key"] == "flevoland-wijkteam")["editable"] is False
    body = {k: route[k] for k in ("article", "municipalities", "mode", "short_answer", "sources")}
    assert red.put("/api/v1/local/flevoland-route-jeugdbescherming", json=body).status_code == 200


def test_a_municipalitys_own_text_wins_over_the_regional_text(app: Any) -> None:
    red = as_user(app, "red-vier")
    own = {
        **REGIONAL,
        "municipalities": ["Zeewolde"],
        "short_answer": "In Zeewolde ga je naar het Sociaal Team Zeewolde.",
    }
    assert red.put("/api/v1/local/zeewolde-wijkteam", json=own).status_code == 200  # sorts after flevoland-*
    assert "Sociaal Team Zeewolde" in answer(red, "Zeewolde")
    assert "Sociaal Team Zeewolde" not in answer(red, "Lelystad")
    assert "Flevoland" in answer(red, "Lelystad")  # the regional text still answers the others
