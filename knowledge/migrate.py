"""Database migrations (Alembic) for the knowledge base and the tickets.

    python -m knowledge.migrate upgrade            # the configured DATABASE_URL to the newest schema
    python -m knowledge.migrate revision "message"  # a new migration from the difference with knowledge/models.py

PostgreSQL (production) gets its schema only from migrations (knowledge/db.py
runs `upgrade` instead of `create_all`); the embedded SQLite file keeps
`create_all`. A test (tests/test_migrations.py) upgrades an empty PostgreSQL
schema and fails when knowledge/models.py and the migrations disagree: a new
table or column needs `python -m knowledge.migrate revision "..."`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, List, Optional

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from knowledge.config import settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: Optional[str] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url or settings().database_url
    return config


def upgrade(url: Optional[str] = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def differences(url: Optional[str] = None) -> List[Any]:
    """What knowledge/models.py has that the database (after its migrations) lacks, or the reverse."""
    from knowledge.models import Base

    engine = create_engine(url or settings().database_url, future=True)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def main(argv: List[str]) -> None:
    if argv[:1] == ["upgrade"]:
        upgrade(revision=argv[1] if len(argv) > 1 else "head")
    elif argv[:1] == ["revision"] and len(argv) == 2:
        command.revision(alembic_config(), message=argv[1], autogenerate=True)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
