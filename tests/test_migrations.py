"""Migrations (Alembic) and knowledge/models.py agree, on PostgreSQL as in production.

Generic on purpose: any table or column added to the models without a
migration (`python -m knowledge.migrate revision "..."`) fails here."""

from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text

from knowledge import migrate
from knowledge.models import Base

PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@pytest.fixture()
def empty_schema() -> Iterator[str]:
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, future=True)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 # pragma: no cover - depends on the machine
        pytest.fail(f"PostgreSQL not reachable at {PG}: {type(exc).__name__}")
    yield f"{PG}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


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
