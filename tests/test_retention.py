"""Retention (issue 13): conversations in Rasa's tracker store and handoff tickets older
than RETENTION_DAYS are deleted, on the real SQLite and PostgreSQL, by the command
`python -m scripts.retention` that the launcher runs every hour; in memory the Rasa
server drops them itself."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Dict, Iterator, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot import stores
from knowledge import handoff
from knowledge.config import ConfigError, settings
from knowledge.db import forget_engines, session_scope
from knowledge.models import Ticket
from scripts import retention, services
from tests.helpers import pg_schema

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime.now(dt.timezone.utc)
DAYS_AGO = {"old": 40, "recent": 10}


def ago(days: float) -> dt.datetime:
    return (NOW - dt.timedelta(days=days)).replace(tzinfo=None)


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Settings from these variables while the block runs (knowledge/config.py reads them once)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        settings.cache_clear()
        forget_engines()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One URL for both the knowledge base and Rasa's tracker store, as in production."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with pg_schema("retention") as url:
        yield url
        forget_engines()


def make_tickets(url: str) -> Dict[str, str]:
    """Tickets of every age and state; their conversation ids by name."""
    made = {}
    with session_scope(url) as session:
        for name, opened, ended in [
            ("ended-old", 45, 40),  # ended 40 days ago: goes
            ("ended-recent", 45, 10),  # opened long ago, ended 10 days ago: stays
            ("open-old", 40, None),  # never ended, opened 40 days ago: goes
            ("open-recent", 2, None),  # stays
        ]:
            ticket = handoff.create_ticket(session, f"conv-{name}", [handoff.Line("parent", "hallo")], None, None)
            ticket.created_at = ago(opened)
            ticket.closed_at = ago(ended) if ended is not None else None
            made[name] = ticket.conversation_id
    return made


def tracker(sender: str, days_ago: float) -> DialogueStateTracker:
    at = (NOW - dt.timedelta(days=days_ago)).timestamp()
    return DialogueStateTracker.from_events(
        sender, [UserUttered("wat doet veilig thuis", timestamp=at), BotUttered("Dag", timestamp=at + 1)]
    )


def user_texts(store: stores.TrackerStore, sender: str) -> List[Optional[str]]:
    found = asyncio.run(store.retrieve(sender))
    return [e.text for e in found.events if isinstance(e, UserUttered)] if found else []


def test_old_conversations_and_tickets_are_deleted_recent_ones_kept(database: str) -> None:
    with environment(DATABASE_URL=database, TRACKER_STORE_URL=database, RETENTION_DAYS="30"):
        tickets = make_tickets(database)
        store = stores.ConfiguredTrackerStore(Domain.empty())
        for sender, days in DAYS_AGO.items():
            asyncio.run(store.save(tracker(sender, days)))
        # A conversation that began long ago but is still going on is not old.
        long_running = tracker("long-running", 50)
        long_running.update(UserUttered("en nu?", timestamp=(NOW - dt.timedelta(days=1)).timestamp()))
        asyncio.run(store.save(long_running))

        purged = retention.purge(NOW)

        assert purged == retention.Purged(conversations=1, tickets=2)
        assert user_texts(store, "old") == []
        assert user_texts(store, "recent") == ["wat doet veilig thuis"]
        assert user_texts(store, "long-running") == ["wat doet veilig thuis", "en nu?"]
        with session_scope(database) as session:
            left = set(session.execute(select(Ticket.conversation_id)).scalars())
        assert left == {tickets["ended-recent"], tickets["open-recent"]}
        assert retention.purge(NOW) == retention.Purged(conversations=0, tickets=0)  # nothing left to delete
        store._connected().engine.dispose()  # type: ignore[attr-defined]


def test_a_store_no_rasa_server_used_yet_has_nothing_to_delete(database: str) -> None:
    assert stores.purge_conversations(database, NOW.timestamp()) == 0


def test_the_command_deletes_and_says_how_many_never_what(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with environment(DATABASE_URL=url, TRACKER_STORE_URL=url):
        make_tickets(url)
        asyncio.run(stores.ConfiguredTrackerStore(Domain.empty()).save(tracker("old", 40)))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "TRACKER_STORE_URL": url}
    run = subprocess.run(
        [sys.executable, "-m", "scripts.retention"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "retention (30 days): conversations deleted: 1; tickets deleted: 2" in run.stdout
    assert "Anna" not in run.stdout + run.stderr and "conv-" not in run.stdout + run.stderr


def test_the_command_fails_clearly_when_the_tracker_store_is_down(tmp_path: Path) -> None:
    down = "postgresql+psycopg2://retention:hush-hush@127.0.0.1:1/none"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRACKER_STORE_URL": down}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'k.db'}"
    run = subprocess.run(
        [sys.executable, "-m", "scripts.retention"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1 and "deleting failed (OperationalError)" in run.stdout
    assert "hush-hush" not in run.stdout + run.stderr


def test_in_memory_the_rasa_server_forgets_old_conversations_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    with environment(TRACKER_STORE_URL="", RETENTION_DAYS="30"):
        store = stores.ConfiguredTrackerStore(Domain.empty())
        clock = [NOW.timestamp() - 40 * stores.DAY]
        monkeypatch.setattr(stores, "time", SimpleNamespace(time=lambda: clock[0]))
        asyncio.run(store.save(tracker("old", 40)))
        clock[0] = NOW.timestamp() - 10 * stores.DAY
        asyncio.run(store.save(tracker("recent", 10)))
        assert store.forget_older_than(NOW.timestamp() - 30 * stores.DAY) == 1
        assert user_texts(store, "old") == [] and user_texts(store, "recent") == ["wat doet veilig thuis"]
        # And without being asked: a save after SWEEP_SECONDS sweeps.
        asyncio.run(store.save(tracker("old-again", 40)))
        clock[0] = NOW.timestamp() + 31 * stores.DAY
        asyncio.run(store.save(tracker("new", 0)))
        assert user_texts(store, "old-again") == [] and user_texts(store, "recent") == []
        assert user_texts(store, "new") == ["wat doet veilig thuis"]


@pytest.mark.parametrize("value", ["0", "-3", "367", "dertig", "30.5"])
def test_the_retention_period_is_checked(value: str) -> None:
    with environment(RETENTION_DAYS=value), pytest.raises(ConfigError, match="RETENTION_DAYS"):
        settings()


def test_the_retention_period_is_30_days_unless_set() -> None:
    with environment(RETENTION_DAYS=""):
        assert settings().retention_days == 30
    with environment(RETENTION_DAYS="7"):
        assert settings().retention_days == 7


def test_the_launcher_runs_the_job_at_once_then_every_period(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    make_tickets(url)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "TRACKER_STORE_URL": ""}
    job = services.RetentionJob(env=env, every=3600)
    assert job.tick(now=100.0) and job.process is not None
    assert not job.tick(now=101.0)  # running, and not due
    assert job.process.wait(timeout=120) == 0
    with session_scope(url) as session:
        assert len(session.execute(select(Ticket)).scalars().all()) == 2
    assert not job.tick(now=3699.0) and job.tick(now=3700.0)  # due again after an hour
    job.process.wait(timeout=120)
    job.stop()


def test_supervise_ticks_the_jobs(tmp_path: Path) -> None:
    ticks: List[int] = []

    class Job(services.RetentionJob):
        def tick(self, now: Optional[float] = None) -> bool:
            ticks.append(1)
            return False

    rounds = iter([False, False, True])
    services.supervise(services.Services(services.Ports()), lambda: next(rounds), poll=0, jobs=[Job(env={})])
    assert len(ticks) == 2
