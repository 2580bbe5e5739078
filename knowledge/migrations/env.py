"""Alembic's environment: the URL comes from knowledge.migrate (DATABASE_URL), the models from knowledge.models.

On PostgreSQL an advisory lock makes concurrent starts (web app and action
server at once, several replicas) run the migrations one at a time."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from knowledge.models import Base

LOCK_ID = 1_353_013  # any constant: one lock for this application's migrations


def run() -> None:
    url = context.config.attributes["url"]
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": LOCK_ID})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                compare_type=True,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID})
                connection.commit()
    engine.dispose()


run()
