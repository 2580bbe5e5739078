"""Versions, diff, restore, the source check and the audit log (HTTP, real database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from fastapi.testclient import TestClient

from knowledge.config import settings
from knowledge.db import session_scope
from knowledge.editorial import overdue
from tests.staff_accounts import logged_in

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def eind(seeded_db: str) -> Iterator[TestClient]:
    from webapp.app import create_app

    settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as client:
        client.headers["X-CSRF-Token"] = logged_in(client, "eind")
        yield client
    settings.cache_clear()


def _article(client: TestClient, slug: str) -> Dict[str, Any]:
    data = client.get(f"/api/v1/articles/{slug}").json()
    return {k: v for k, v in data.items() if k not in ("local", "municipality", "last_checked", "checked_by")}


def test_a_change_is_diffed_and_restored(eind: TestClient) -> None:
    original = _article(eind, "wijkteam")
    changed = {**original, "short_answer": "Het wijkteam helpt je. Het is gratis.", "reason": "korter"}
    assert eind.put("/api/v1/articles/wijkteam", json=changed).json()["version"] == 2
    history = eind.get("/api/v1/editorial/article/wijkteam/versions").json()
    assert [(v["number"], v["author"], v["status"]) for v in history] == [
        (2, "eind", "gepubliceerd"),
        (1, "inhoudsbestanden", "gepubliceerd"),
    ]
    assert history[0]["reason"] == "korter"

    diff = eind.get("/api/v1/editorial/article/wijkteam/diff", params={"old": 1}).json()["changes"]
    assert [c["field"] for c in diff] == ["short_answer"]
    assert "+Het wijkteam helpt je. Het is gratis." in diff[0]["lines"]
    assert any(line.startswith("-") for line in diff[0]["lines"])

    restored = eind.post("/api/v1/editorial/article/wijkteam/restore/1").json()
    assert restored == {"version": 3, "status": "gepubliceerd", "live": True}
    assert eind.get("/api/v1/articles/wijkteam").json()["short_answer"] == original["short_answer"]
    assert eind.get("/api/v1/editorial/article/wijkteam/diff", params={"old": 1}).json()["changes"] == []

    log = eind.get("/api/v1/editorial/audit", params={"kind": "article", "key": "wijkteam"}).json()
    first = log[-1]
    assert first["actor"] == "eind" and first["action"] == "gepubliceerd"
    assert first["old"]["short_answer"] == original["short_answer"]
    assert first["new"]["short_answer"] == "Het wijkteam helpt je. Het is gratis."


def test_checked_is_set_only_by_the_explicit_action_and_a_new_text_clears_it(eind: TestClient) -> None:
    original = _article(eind, "wijkteam")
    claims = {**original, "short_answer": "Nieuw antwoord. Kort.", "last_checked": "2020-01-01", "checked_by": "x"}
    claims["review"] = {"status": "gecontroleerd", "note": ""}
    eind.put("/api/v1/articles/wijkteam", json=claims)
    after = eind.get("/api/v1/articles/wijkteam").json()
    assert after["last_checked"] is None and after["checked_by"] is None  # not taken from the request

    checked = eind.post("/api/v1/editorial/article/wijkteam/checked", json={"note": "bronnen nagelezen"}).json()
    assert checked == {"last_checked": dt.date.today().isoformat(), "checked_by": "eind"}
    questions = {**original, "short_answer": "Nieuw antwoord. Kort.", "example_questions": ["wat is een wijkteam"]}
    eind.put("/api/v1/articles/wijkteam", json=questions)  # the answer text did not change: still checked
    assert eind.get("/api/v1/articles/wijkteam").json()["last_checked"] == dt.date.today().isoformat()
    eind.put("/api/v1/articles/wijkteam", json={**questions, "short_answer": "Weer anders. Kort."})
    assert eind.get("/api/v1/articles/wijkteam").json()["last_checked"] is None


def test_overdue_lists_unchecked_and_old_checks(eind: TestClient) -> None:
    eind.post("/api/v1/editorial/local/amersfoort-wijkteam/checked", json={})
    due = {(o["kind"], o["key"]) for o in eind.get("/api/v1/editorial/overdue").json()}
    assert ("local", "amersfoort-wijkteam") not in due
    with session_scope() as session:
        later = {(o["kind"], o["key"]) for o in overdue.overdue(session, today=dt.date.today() + dt.timedelta(400))}
    assert ("local", "amersfoort-wijkteam") in later
    assert overdue.cutoff(dt.date(2026, 3, 31), 12) == dt.date(2025, 3, 28)


def test_concept_is_not_live_until_published(eind: TestClient) -> None:
    original = _article(eind, "wijkteam")
    draft = eind.put(
        "/api/v1/articles/wijkteam?actie=concept", json={**original, "short_answer": "Concepttekst. Kort."}
    )
    assert draft.json()["status"] == "concept" and draft.json()["live"] is False
    assert eind.get("/api/v1/articles/wijkteam").json()["short_answer"] == original["short_answer"]
    version = next(v for v in eind.get("/api/v1/editorial/review").json() if v["key"] == "wijkteam")
    assert eind.post(f"/api/v1/editorial/versions/{version['id']}/publish", json={}).status_code == 200
    assert eind.get("/api/v1/articles/wijkteam").json()["short_answer"] == "Concepttekst. Kort."
    again = eind.post(f"/api/v1/editorial/versions/{version['id']}/publish", json={})
    assert again.status_code == 409


def test_the_editor_never_prefills_a_check_date() -> None:
    page = (ROOT / "web_widget" / "editor.html").read_text() + (ROOT / "web_widget" / "editor.js").read_text()
    assert "new Date()" not in page and 'type="date"' not in page
    assert "Ik heb de bronnen gecontroleerd" in page
