"""Shared fixtures: a real SQLite database seeded from knowledge/content."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import yaml

from scripts import services
from scripts.train import model_path

from knowledge.config import settings

_BASE = int(os.environ.get("E2E_PORT_BASE", "15000"))  # another base lets two runs share a machine
PORTS = services.Ports(rasa=_BASE + 5, actions=_BASE + 55, web=_BASE + 3000)
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def _use_database(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    settings.cache_clear()


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh SQLite database with all content imported; DATABASE_URL points at it."""
    from knowledge.content_io import import_content

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'knowledge.db'}"
    previous = os.environ.get("DATABASE_URL")
    _use_database(url)
    import_content()
    yield url
    if previous is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = previous
    settings.cache_clear()


@pytest.fixture(scope="session")
def outline() -> Dict[str, Any]:
    path = SHARED / "knowledge-outline.yaml"
    if not path.exists():
        pytest.skip(f"outline not found at {path}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def outline_slugs(outline: Dict[str, Any]) -> List[str]:
    return [item["slug"] for key, items in outline.items() if key != "lokaal" for item in items]


def make_tracker(text: str, intent: str = "ask_question", slots: Optional[Dict[str, Any]] = None,
                 metadata: Optional[Dict[str, Any]] = None,
                 entities: Optional[List[Dict[str, Any]]] = None, **extra: Any):
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or [], "metadata": metadata or {}, **extra}
    return Tracker(sender_id="test-user", slots={"municipality": None, "article": None, **(slots or {})},
                   latest_message=latest, events=[], paused=False, followup_action=None,
                   active_loop={}, latest_action_name=None)


@pytest.fixture(scope="session")
def stack_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database file the running services use (its own, seeded)."""
    from knowledge.content_io import import_content

    path = tmp_path_factory.mktemp("e2e") / "knowledge.db"
    import_content(url=f"sqlite:///{path}")
    return path


STAFF = {"anna": "geheim1", "bob": "geheim2"}


@pytest.fixture(scope="session")
def stack_hours(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Staff answer day and night, except in Urk (to test 'nobody there')."""
    path = tmp_path_factory.mktemp("hours") / "staff_hours.yaml"
    day = '"00:00-23:59"'
    always = "\n".join(f"  {d}: {day}" for d in ("ma", "di", "wo", "do", "vr", "za", "zo"))
    path.write_text(f'"*":\n{always}\nUrk: {{}}\n')
    return path


@pytest.fixture(scope="session")
def stack(stack_db: Path, stack_hours: Path) -> Iterator[services.Services]:
    """Rasa server, action server and web app, started once for all e2e tests."""
    model = model_path()
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (it trains first)")
    running = services.start_all(PORTS, model, env={
        "DATABASE_URL": f"sqlite:///{stack_db}",
        "BOT_PUBLIC_URL": f"http://127.0.0.1:{PORTS.rasa}",
        "RASA_URL": f"http://127.0.0.1:{PORTS.rasa}",
        "STAFF_USERS": ",".join(f"{k}:{v}" for k, v in STAFF.items()),
        "STAFF_HOURS_PATH": str(stack_hours)})
    yield running
    running.stop()
