"""Fixtures: real SQLite databases seeded from knowledge/content, and the running stack.

Isolation: `seeded_db` gives every test its own copy of a database seeded once
per session, so no test sees what another one wrote. `content_db` is the
seeded original, for module-scoped fixtures that only read.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List

import pytest
import yaml

from knowledge.config import settings
from scripts import services
from tests.helpers import PORTS, start_stack
from tests.staff_accounts import create_accounts

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

# ../shared beside the checkout (CI has it too); JB_SHARED_DIR points elsewhere.
SHARED = Path(os.environ.get("JB_SHARED_DIR", Path(__file__).resolve().parent.parent.parent / "shared"))


# Tests never read the developer's own settings (accounts, database, mode).
for _name in ("JB_ENV", "DATABASE_URL", "COOKIE_SECURE"):
    os.environ.pop(_name, None)


def _use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    settings.cache_clear()


@pytest.fixture(scope="session")
def _seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All content imported once; tests get copies of this file."""
    from knowledge.content_io import import_content
    from knowledge.db import engine

    path = tmp_path_factory.mktemp("template") / "knowledge.db"
    url = f"sqlite:///{path}"
    import_content(url=url)
    create_accounts(url)
    engine(url).dispose()
    return path


@pytest.fixture()
def seeded_db(_seeded_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This test's own seeded SQLite database; DATABASE_URL points at it."""
    from knowledge.db import engine

    path = tmp_path / "knowledge.db"
    shutil.copyfile(_seeded_file, path)
    url = f"sqlite:///{path}"
    _use_database(monkeypatch, url)
    yield url
    engine(url).dispose()


@pytest.fixture(scope="module")
def content_db(_seeded_file: Path) -> Iterator[str]:
    """The seeded database for module-scoped fixtures that only read it."""
    url = f"sqlite:///{_seeded_file}"
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    settings.cache_clear()
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
        pytest.fail(f"outline not found at {path}: ../shared must sit beside the checkout (or set JB_SHARED_DIR)")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def outline_slugs(outline: Dict[str, Any]) -> List[str]:
    return [item["slug"] for key, items in outline.items() if key != "lokaal" for item in items]


@pytest.fixture(scope="session")
def stack_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database file the running services use (its own, seeded)."""
    from knowledge.content_io import import_content

    path = tmp_path_factory.mktemp("e2e") / "knowledge.db"
    import_content(url=f"sqlite:///{path}")
    create_accounts(f"sqlite:///{path}")
    return path


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
    """Rasa server, action server and web app, started once for the e2e tests that share them."""
    running = start_stack(PORTS, stack_db, stack_hours)
    yield running
    running.stop()


@pytest.fixture()
def client(seeded_db: str) -> Iterator[TestClient]:
    """The web app on this test's own database (test-only accounts, tests/staff_accounts.py).
    Modules that need another set-up (a stand-in Rasa, staff hours) define their own."""
    from fastapi.testclient import TestClient

    from webapp.app import create_app

    settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as c:
        yield c
    settings.cache_clear()
