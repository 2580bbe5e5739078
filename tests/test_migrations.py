"""Migrations (Alembic) and knowledge/models.py agree, on PostgreSQL as in production.

Generic on purpose: any table or column added to the models without a
migration (`python -m knowledge.migrate revision "..."`) fails here."""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import create_engine, inspect

from knowledge import migrate
from knowledge.models import Base
from tests.helpers import pg_schema


@pytest.fixture()
def empty_schema() -> Iterator[str]:
    with pg_schema("mig") as url:
        yield url


def test_migrations_build_exactly_the_models(empty_schema: str) -> None:
    migrate.upgrade(empty_schema)
    assert migrate.differences(empty_schema) == [], (
        "knowledge/models.py and knowledge/migrations disagree: "
        'run `python -m knowledge.migrate revision "what changed"` and check the new file'
    )
    engine = create_engine(empty_schema, future=True)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) | {"alembic_version"} == tables


def test_upgrading_twice_changes_nothing(empty_schema: str) -> None:
    migrate.upgrade(empty_schema)
    migrate.upgrade(empty_schema)
    assert migrate.differences(empty_schema) == []


def test_migrations_run_on_sqlite_too(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/migrated.db"
    migrate.upgrade(url)
    assert migrate.differences(url) == []
