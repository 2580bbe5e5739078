"""Helpers shared by several test modules (test modules never import each other)."""

from __future__ import annotations

import json
import os
import secrets
import threading
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from knowledge import handoff
from knowledge.db import session_scope
from scripts import services
from scripts.train import model_path

_BASE = int(os.environ.get("E2E_PORT_BASE", "15000"))  # another base lets two runs share a machine
PORTS = services.Ports(rasa=_BASE + 5, actions=_BASE + 55, web=_BASE + 3000)

# This test run's internal secrets (production mode: the launcher requires them).
SECRETS = {"RASA_JWT_SECRET": secrets.token_urlsafe(32), "ACTIONS_SECRET": secrets.token_urlsafe(32)}

# Staff accounts: tests/staff_accounts.py puts them in the test databases.

# PostgreSQL as on the development machines and in CI (trust authentication, database `test`).
PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty schema in the test database (fails the test when PostgreSQL
    cannot be reached); the schema is dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, future=True)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 # pragma: no cover - depends on the machine
        pytest.fail(f"PostgreSQL not reachable at {PG} ({type(exc).__name__}): these tests need it")
    try:
        yield f"{PG}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_tracker(
    text: str,
    intent: str = "ask_question",
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    **extra: Any,
) -> Any:
    """A rasa_sdk Tracker whose latest message is TEXT, as the action server receives it."""
    from rasa_sdk import Tracker

    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "metadata": metadata or {},
        **extra,
    }
    return Tracker(
        sender_id="test-user",
        slots={"municipality": None, "article": None, **(slots or {})},
        latest_message=latest,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def post(url: str, body: Any, headers: Optional[Dict[str, str]] = None, method: str = "POST") -> Any:
    """JSON over real HTTP; returns the decoded answer (None for an empty body)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


def say(
    text: str, sender: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None, rasa_port: int = PORTS.rasa
) -> List[Dict[str, Any]]:
    """One user message through Rasa's REST channel; the bot's messages."""
    body: Dict[str, Any] = {"sender": sender or uuid.uuid4().hex, "message": text}
    if metadata:
        body["metadata"] = metadata
    reply = post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", body)
    assert isinstance(reply, list), reply
    return reply


def rasa_api(path: str, method: str = "GET", body: Any = None, rasa_port: int = PORTS.rasa) -> Any:
    """Rasa's HTTP API with this run's JWT in the header, as the web app calls it."""
    from webapp.rasa_client import api_headers

    request = urllib.request.Request(
        f"http://127.0.0.1:{rasa_port}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": "application/json", **api_headers(SECRETS["RASA_JWT_SECRET"])},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def custom(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The first custom payload of a reply (fails when there is none)."""
    payloads = [m["custom"] for m in messages if "custom" in m]
    assert payloads, f"no custom payload in {messages}"
    return payloads[0]


def texts(messages: List[Dict[str, Any]]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def race_to_take(public_id: str, attempts: int, url: Optional[str] = None) -> List[str]:
    """Let ATTEMPTS staff members take one ticket at the same moment."""
    results: List[str] = []
    barrier = threading.Barrier(attempts)

    def attempt(name: str) -> None:
        barrier.wait()
        try:
            with session_scope(url) as session:
                handoff.take(session, public_id, name)
            results.append(name)
        except handoff.TicketUnavailable:
            results.append("refused")

    threads = [threading.Thread(target=attempt, args=(f"staff{i}",)) for i in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def start_stack(ports: services.Ports, db: Path, hours: Path) -> services.Services:
    """Rasa server, action server and web app on PORTS, with their own database."""
    model = model_path()
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (it trains first)")
    return services.start_all(
        ports,
        model,
        env={
            "DATABASE_URL": f"sqlite:///{db}",
            "RASA_URL": f"http://127.0.0.1:{ports.rasa}",
            "COOKIE_SECURE": "0",  # the test stack is plain http on 127.0.0.1
            "STAFF_HOURS_PATH": str(hours),
            **SECRETS,
        },
    )
