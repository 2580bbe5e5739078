"""The editor's preview of a concept in the chat, over HTTP: the widget's own
reply format from the chat's own respond(), nothing published or stored, and
only for the editor who opened it."""

from __future__ import annotations

import html
import re
from typing import Any, Dict, Iterator, List

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from knowledge.config import settings
from knowledge.db import session_scope
from knowledge.models import UnansweredQuestion
from tests.staff_accounts import LOCAL_AMERSFOORT as LOCAL
from tests.staff_accounts import as_user

API_URL = re.compile(r'data-api-url="([^"]+)"')
NEW_ARTICLE = {
    "title": "Wat is het opvoedsteunpunt?",
    "category": "ondersteuning",
    "short_answer": "Bij het opvoedsteunpunt stel je vragen over opvoeden. Het is gratis.",
    "example_questions": ["wat is het opvoedsteunpunt", "waar is het opvoedsteunpunt", "opvoedsteunpunt adres"],
    "sources": [{"title": "NJi", "url": "https://www.nji.nl/wijkteams/wat-doet-een-wijkteam"}],
}


@pytest.fixture()
def app(seeded_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from webapp.app import create_app

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    settings.cache_clear()
    yield create_app()
    settings.cache_clear()


def concept(client: TestClient, path: str, body: Dict[str, Any]) -> int:
    saved = client.put(f"{path}?actie=concept", json=body)
    assert saved.status_code == 200 and saved.json()["live"] is False, saved.text
    kind, key = ("local", path.rsplit("/", 1)[1]) if "/local/" in path else ("article", path.rsplit("/", 1)[1])
    versions = client.get(f"/api/v1/editorial/{kind}/{key}/versions").json()
    return int(next(v["id"] for v in versions if v["status"] == "concept"))


def preview_url(client: TestClient, version_id: int, place: str = "") -> str:
    page = client.get(f"/editor/voorbeeld/{version_id}", params={"gemeente": place} if place else None)
    assert page.status_code == 200, page.text
    assert 'src="/widget/widget.js"' in page.text  # the chat's own widget renders it
    found = API_URL.search(page.text)
    assert found, page.text
    return html.unescape(found.group(1))


def ask(client: TestClient, url: str, text: str, place: str = "") -> List[Dict[str, Any]]:
    """As the widget sends a message (no cookies)."""
    plain = TestClient(client.app, base_url="https://testserver")
    body = {"conversation": "voorbeeld-0123456789ab", "text": text, "municipality": place or None}
    response = plain.post(f"{url}/chat/messages", json=body)
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


def live(client: TestClient, question: str, place: str = "") -> List[Dict[str, Any]]:
    reply = client.get("/api/v1/search", params={"q": question, "municipality": place}).json()["reply"]
    return [{"text": r["text"], "buttons": r["buttons"], "custom": r["payload"]} for r in reply]


def test_a_local_concept_is_shown_as_the_chat_would_answer_before_it_is_live(app: Any) -> None:
    red = as_user(app, "red-amersfoort")
    version = concept(red, "/api/v1/local/amersfoort-wijkteam", LOCAL)
    url = preview_url(red, version)
    shown = ask(red, url, "wat doet het wijkteam", "Amersfoort")
    assert "Stadsring" in shown[0]["text"]
    custom = shown[0]["custom"]
    assert custom["kind"] == "answer" and custom["article"] == "wijkteam" and custom["local"] is True
    assert custom["checked"] is None  # a new text is not checked yet, and the chat says so
    assert custom["sources"][0]["title"] == "Gemeente Amersfoort" and shown[0]["buttons"]
    assert all("Stadsring" not in m["text"] for m in live(red, "wat doet het wijkteam", "Amersfoort"))
    assert all("Stadsring" not in m["text"] for m in ask(red, url, "wat doet het wijkteam", "Almere"))

    red.post(f"/api/v1/editorial/versions/{version}/publish", json={})
    assert live(red, "wat doet het wijkteam", "Amersfoort") == shown  # exactly what the preview showed


def test_buttons_and_an_empty_message_answer_the_versions_article(app: Any) -> None:
    eind = as_user(app, "eind")
    changed = {**NEW_ARTICLE, "title": "Wat doet het wijkteam?", "short_answer": "Het wijkteam helpt. Het is gratis."}
    url = preview_url(eind, concept(eind, "/api/v1/articles/wijkteam", changed))
    by_button = ask(eind, url, '/ask_article{"article": "wijkteam"}')
    assert by_button[0]["text"].startswith("Het wijkteam helpt. Het is gratis.")
    assert ask(eind, url, "")[0]["text"] == by_button[0]["text"]
    assert "Het wijkteam helpt. Het is gratis." not in live(eind, "wat doet het wijkteam")[0]["text"]


def test_a_new_article_is_shown_by_the_topic_button_the_page_asks_and_nothing_is_stored(app: Any) -> None:
    eind = as_user(app, "eind")
    version = concept(eind, "/api/v1/articles/opvoedsteunpunt", NEW_ARTICLE)
    page = eind.get(f"/editor/voorbeeld/{version}").text
    asked = html.unescape(re.search(r'data-ask="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert asked == '/ask_article{"article": "opvoedsteunpunt"}'
    shown = ask(eind, preview_url(eind, version), asked)
    assert shown[0]["custom"]["article"] == "opvoedsteunpunt" and shown[0]["text"].startswith("Bij het opvoedsteunpunt")
    assert eind.get("/api/v1/articles/opvoedsteunpunt").status_code == 404  # nothing was saved
    assert ask(eind, preview_url(eind, version), "xyzzy plugh")[0]["custom"]["kind"] in ("unknown", "choice")
    with session_scope() as session:  # and the preview's questions are not in the insights
        assert session.execute(select(UnansweredQuestion)).first() is None


def test_the_preview_works_only_for_the_editor_who_opened_it(app: Any) -> None:
    red = as_user(app, "red-amersfoort")
    version = concept(red, "/api/v1/local/amersfoort-wijkteam", LOCAL)
    url = preview_url(red, version)
    plain = TestClient(app, base_url="https://testserver")
    body = {"conversation": "voorbeeld-0123456789ab", "text": "wat doet het wijkteam"}
    assert plain.post(f"{url[:-4]}0000/chat/messages", json=body).status_code == 404  # a guessed signature
    other = url.replace(f"/{version}/", f"/{version + 1}/", 1)
    assert plain.post(f"{other}/chat/messages", json=body).status_code == 404  # another version, same signature
    assert as_user(app, "mw-almere").get(f"/editor/voorbeeld/{version}").status_code == 403
    anonymous = TestClient(app, base_url="https://testserver").get(
        f"/editor/voorbeeld/{version}", follow_redirects=False
    )
    assert anonymous.status_code == 303
    assert plain.post(f"{url}/chat/messages", json=body).status_code == 200
    red.post("/logout", data={"csrf": red.headers["X-CSRF-Token"]})
    assert plain.post(f"{url}/chat/messages", json=body).status_code == 404  # logged out: the address is dead
    assert plain.get(f"{url}/chat/health").status_code == 404


def test_the_preview_savepoint_leaves_postgres_untouched_too() -> None:
    from knowledge import answers, editorial
    from knowledge.accounts import Principal
    from knowledge.content_io import import_content
    from knowledge.db import engine
    from knowledge.editorial import preview
    from knowledge.retrieval import Retriever
    from tests.helpers import pg_schema

    with pg_schema("preview") as url:
        import_content(url=url)
        with session_scope(url) as session:
            saved = editorial.save(
                session, Principal("red", "redacteur", ("Amersfoort",)), "local", "a-w", dict(LOCAL), publish=False
            )
            version = saved.version.id
        with session_scope(url) as session:
            reply = preview.preview(session, Retriever(), version, preview.ask_payload("wijkteam"), "Amersfoort")
            assert "Stadsring" in reply.answers[0].text
            during = answers.article_answer(session, "wijkteam", "Amersfoort")
            assert during is not None and "Stadsring" not in during.text  # rolled back in the same session
        with session_scope(url) as session:
            after = answers.article_answer(session, "wijkteam", "Amersfoort")
            assert after is not None and "Stadsring" not in after.text
        engine(url).dispose()
