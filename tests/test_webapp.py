"""The knowledge API over HTTP (FastAPI's test client, real SQLite database)."""

from __future__ import annotations

from typing import List

import pytest
from fastapi.testclient import TestClient

from tests.staff_accounts import logged_in


@pytest.fixture()
def editor(client: TestClient) -> TestClient:
    """Logged in as the eindredacteur; every change sends the CSRF token."""
    client.headers["X-CSRF-Token"] = logged_in(client, "eind")
    return client


def test_health(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["articles"] >= 47


def test_lists_every_outline_article(client: TestClient, outline_slugs: List[str]) -> None:
    listed = {a["slug"] for a in client.get("/api/v1/articles").json()}
    assert set(outline_slugs) <= listed


def test_article_with_local_version(client: TestClient) -> None:
    general = client.get("/api/v1/articles/wijkteam").json()
    local = client.get("/api/v1/articles/wijkteam", params={"municipality": "amersfoort"}).json()
    assert general["local"] is None
    assert local["municipality"] == "Amersfoort" and "Amersfoort" in local["local"]["short_answer"]


def test_unknown_article_is_404_in_dutch(client: TestClient) -> None:
    response = client.get("/api/v1/articles/bestaat-niet")
    assert response.status_code == 404 and "bestaat niet" in response.json()["detail"]


def test_search_ranks_and_localises(client: TestClient) -> None:
    body = client.get(
        "/api/v1/search", params={"q": "hoe vind ik een clientondersteuner", "municipality": "Almere"}
    ).json()
    top = body["results"][0]
    assert body["decision"] == "answer" and top["article"] == "clientondersteuner-vinden"
    assert top["local"] is True and "Almere" in top["answer"]
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_rejects_empty_and_huge_queries(client: TestClient) -> None:
    assert client.get("/api/v1/search", params={"q": ""}).status_code == 422
    assert client.get("/api/v1/search", params={"q": "x" * 5000}).status_code == 422


def test_glossary(client: TestClient) -> None:
    terms = client.get("/api/v1/glossary").json()
    assert len(terms) >= 40 and all(t["definition"] for t in terms)


def test_demo_page_and_widget(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/widget/widget.js" in page.text
    assert "{{BOT_URL}}" not in page.text
    assert client.get("/widget/widget.js").status_code == 200
    assert client.get("/docs").status_code == 200


NEW_ARTICLE = {
    "title": "Wat is een gezinscoach?",
    "category": "ondersteuning",
    "short_answer": "Een gezinscoach helpt je gezin thuis. Je spreekt samen af waar je hulp bij wilt.",
    "example_questions": [
        "wat doet een gezinscoach",
        "krijgen wij een gezinscoach",
        "wat is een gezinscoach eigenlijk",
    ],
    "sources": [{"title": "NJi – Wat doet een wijkteam", "url": "https://www.nji.nl/wijkteams/wat-doet-een-wijkteam"}],
    "last_checked": None,
    "review": {"status": "te-controleren", "note": "test"},
}


def test_editing_needs_login(client: TestClient) -> None:
    assert client.put("/api/v1/articles/gezinscoach", json=NEW_ARTICLE).status_code == 401
    assert client.put("/api/v1/articles/gezinscoach", json=NEW_ARTICLE, auth=("eind", "fout")).status_code == 401


def test_incomplete_article_is_refused_in_dutch(editor: TestClient) -> None:
    response = editor.put("/api/v1/articles/leeg", json={"title": "Leeg"})
    assert response.status_code == 422 and "niet compleet" in response.json()["detail"]


def test_new_article_is_searchable_at_once(editor: TestClient) -> None:
    before = editor.get("/api/v1/search", params={"q": "wat doet een gezinscoach"}).json()
    assert all(r["article"] != "gezinscoach" for r in before["results"])
    assert editor.put("/api/v1/articles/gezinscoach", json=NEW_ARTICLE).status_code == 200
    after = editor.get("/api/v1/search", params={"q": "wat doet een gezinscoach"}).json()
    assert after["results"][0]["article"] == "gezinscoach"


def test_editor_can_add_a_local_version(editor: TestClient) -> None:
    local = {
        "article": "wijkteam",
        "municipalities": ["Zwolle"],
        "mode": "append",
        "short_answer": ("In Zwolle heet het wijkteam het sociaal wijkteam. Je vindt het op de site van de gemeente."),
        "sources": [{"title": "Gemeente Zwolle", "url": "https://www.zwolle.nl"}],
        "last_checked": None,
        "review": {"status": "te-controleren", "note": "test"},
    }
    token = editor.headers.pop("X-CSRF-Token")
    assert editor.put("/api/v1/local/zwolle-wijkteam", json=local).status_code == 403  # no CSRF token
    editor.headers["X-CSRF-Token"] = token
    saved = editor.put("/api/v1/local/zwolle-wijkteam", json=local)
    assert saved.status_code == 200 and saved.json()["warnings"] == [] and saved.json()["live"] is True
    article = editor.get("/api/v1/articles/wijkteam", params={"municipality": "Zwolle"}).json()
    assert article["local"]["key"] == "zwolle-wijkteam"
    wrong = editor.put("/api/v1/local/x", json={**local, "article": "bestaat-niet"})
    assert wrong.status_code == 422 and "niet bestaat" in wrong.json()["detail"]


def test_editor_is_warned_about_hard_text(editor: TestClient) -> None:
    hard = {
        **NEW_ARTICLE,
        "short_answer": (
            "Overeenkomstig de toepasselijke wetsbepalingen en beleidsregels inzake jeugdbeschermings"
            "maatregelen dient de gecertificeerde instelling zorgvuldigheidshalve een belangenafweging "
            "te verrichten alvorens zij overgaat tot het opleggen van een schriftelijke aanwijzing."
        ),
    }
    saved = editor.put("/api/v1/articles/moeilijk", json=hard).json()
    assert any("moeilijk te lezen" in w for w in saved["warnings"])


def test_editor_page_needs_login(client: TestClient) -> None:
    redirect = client.get("/editor", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/login?next=/editor"
    logged_in(client, "red-amersfoort")
    page = client.get("/editor")
    assert page.status_code == 200 and "Lokale versies" in page.text


def test_search_decides_like_the_chat_and_reads_follow_ups(client: TestClient) -> None:
    """The API answers what the bot answers (one function decides), with context."""
    body = client.get("/api/v1/search", params={"q": "Wat doet de Raad?"}).json()
    assert body["decision"] == "answer" and body["reply"][0]["payload"]["article"] == "raad-voor-de-kinderbescherming"
    follow = client.get(
        "/api/v1/search",
        params={
            "q": "welke termijn geldt daarvoor?",
            "topic": "schriftelijke-aanwijzing",
            "previous": "Wat is een schriftelijke aanwijzing?",
        },
    ).json()
    assert follow["reply"][0]["payload"]["section"] == "termijn"
    assert follow["state"]["article"] == "schriftelijke-aanwijzing"
