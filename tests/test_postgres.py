"""The same knowledge base on PostgreSQL, as in production (DATABASE_URL)."""

from __future__ import annotations

from typing import Iterator

import pytest

from knowledge import answers, handoff
from knowledge.content_io import import_content
from knowledge.db import engine, session_scope
from knowledge.retrieval import Retriever
from tests.helpers import pg_schema, race_to_take


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A fresh schema in the test database for each test, dropped afterwards."""
    with pg_schema("kb") as url:
        yield url
        engine(url).dispose()


def test_import_search_and_local_answer_on_postgres(pg_url: str) -> None:
    first = import_content(url=pg_url)
    assert first["articles"] >= 47
    assert import_content(url=pg_url) == {"articles": 0, "local": 0, "glossary": 0}
    with session_scope(pg_url) as session:
        result = Retriever().search(session, "Wat doet Veilig Thuis?")
        assert result.best.slug == "veilig-thuis"
        local = answers.article_answer(session, "wijkteam", "Amersfoort")
        assert local.payload["local"] is True


def test_double_take_on_postgres(pg_url: str) -> None:
    with session_scope(pg_url) as session:
        public_id = handoff.create_ticket(session, "pg-race", [], "acute", None).public_id
    assert race_to_take(public_id, 6, pg_url).count("refused") == 5
