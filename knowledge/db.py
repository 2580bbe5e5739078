"""Database engine and sessions (SQLite by default, PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from knowledge.config import settings
from knowledge.models import Base


def engine(url: Optional[str] = None) -> Engine:
    """The engine for URL, or for the configured database (read each time, so a
    changed DATABASE_URL is followed)."""
    return _engine(url or settings().database_url)


def forget_engines() -> None:
    """Drop every engine, as a new process would start without them."""
    _engine.cache_clear()


@lru_cache(maxsize=None)
def _engine(url: str) -> Engine:
    """One engine per database URL; creates the SQLite folder and tables, or migrates PostgreSQL."""
    kwargs: Dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    eng = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        # The embedded file (development, tests): tables straight from the models.
        event.listen(eng, "connect", _sqlite_pragmas)
        Base.metadata.create_all(eng)
    else:
        # PostgreSQL (production): the schema comes from the migrations only (knowledge/migrate.py).
        from knowledge.migrate import upgrade

        upgrade(url)
    return eng


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the action server read while the web app writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A transaction: commits on success, rolls back on error."""
    factory = sessionmaker(bind=engine(url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
