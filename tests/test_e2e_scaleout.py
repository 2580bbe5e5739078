"""Several Rasa servers on one PostgreSQL tracker store and one Redis lock store
(issue 13), real processes on real services: a conversation moves between two
servers and survives a restart without losing a turn; with the tracker store
and lock store unreachable, a safety message still gets its emergency reply.

Needs PostgreSQL at TEST_POSTGRES_URL (database `test`) and Redis at
TEST_REDIS_URL, as on the development machines and in CI."""

from __future__ import annotations

import os
import threading
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import redis

from knowledge.content_io import import_content
from scripts import services
from scripts.train import model_path
from tests.helpers import PORTS, SECRETS, custom, pg_schema, rasa_api, say, texts

pytestmark = pytest.mark.e2e
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
FIRST = services.Ports(rasa=PORTS.rasa + 400, actions=PORTS.actions + 400, web=PORTS.web + 400)
SECOND = services.Ports(rasa=PORTS.rasa + 401, actions=PORTS.actions + 400, web=PORTS.web + 401)
CLOSED = services.Ports(rasa=PORTS.rasa + 402, actions=PORTS.actions + 402, web=PORTS.web + 402)


def _needs(url: str, check: Any) -> None:
    try:
        check()
    except Exception as exc:  # noqa: BLE001 # pragma: no cover - depends on the machine
        pytest.fail(f"{url} not reachable ({type(exc).__name__}): these tests need it")


@pytest.fixture(scope="module")
def tracker_url() -> Iterator[str]:
    """A schema of its own in the test database, for Rasa's `events` table."""
    with pg_schema("tracker") as url:
        yield url


@pytest.fixture(scope="module")
def shared_env(tracker_url: str, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    _needs(REDIS, lambda: redis.Redis.from_url(REDIS, socket_timeout=2).ping())
    db = tmp_path_factory.mktemp("scaleout") / "knowledge.db"
    import_content(url=f"sqlite:///{db}")
    return {
        "DATABASE_URL": f"sqlite:///{db}",
        "TRACKER_STORE_URL": tracker_url,
        "LOCK_STORE_URL": REDIS,
        **SECRETS,
    }


@pytest.fixture(scope="module")
def two_servers(shared_env: Dict[str, str]) -> Iterator[List[services.Service]]:
    """One action server and two Rasa servers sharing the tracker store and lock store."""
    model = model_path()
    started: List[services.Service] = []
    try:
        started += services.start(["actions"], FIRST, model, shared_env)
        # Started one after the other: on 2 cores two model loads at once take longer than in turn.
        started += services.start(["rasa"], FIRST, model, shared_env)
        started += services.start(["rasa"], SECOND, model, shared_env)
        yield started
    finally:
        for service in started:
            services.stop_process(service.process)


def user_turns(conversation: str, port: int) -> List[str]:
    tracker = rasa_api(f"/conversations/{conversation}/tracker", rasa_port=port)
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_a_conversation_moves_between_two_rasa_servers(two_servers: List[services.Service]) -> None:
    sender = uuid.uuid4().hex
    assert custom(say("ik woon in Almere", sender, rasa_port=FIRST.rasa))["municipality"] == "Almere"
    # The next message reaches the other server: it knows the municipality from the shared tracker.
    data = custom(say("hoe vind ik een clientondersteuner?", sender, rasa_port=SECOND.rasa))
    assert data["article"] == "clientondersteuner-vinden" and data["municipality"] == "Almere"
    assert data["local"] is True
    assert custom(say("Wat doet Veilig Thuis?", sender, rasa_port=FIRST.rasa))["article"] == "veilig-thuis"
    expected = ["ik woon in Almere", "hoe vind ik een clientondersteuner?", "Wat doet Veilig Thuis?"]
    assert user_turns(sender, FIRST.rasa) == expected
    assert user_turns(sender, SECOND.rasa) == expected


def test_two_messages_at_once_on_two_servers_lose_no_turn(two_servers: List[services.Service]) -> None:
    """RasaHQ/rasa #9213: the Redis lock store must serialise one conversation across servers."""
    sender = uuid.uuid4().hex
    say("ik woon in Almere", sender, rasa_port=FIRST.rasa)
    barrier = threading.Barrier(2)
    replies: Dict[int, Any] = {}

    def send(port: int, message: str) -> None:
        barrier.wait()
        replies[port] = say(message, sender, rasa_port=port)

    threads = [
        threading.Thread(target=send, args=(FIRST.rasa, "Wat doet Veilig Thuis?")),
        threading.Thread(target=send, args=(SECOND.rasa, "Wat is een ondertoezichtstelling?")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(texts(reply).strip() for reply in replies.values()) and len(replies) == 2
    turns = user_turns(sender, SECOND.rasa)
    assert sorted(turns[1:]) == sorted(["Wat doet Veilig Thuis?", "Wat is een ondertoezichtstelling?"]), turns


def test_a_restarted_rasa_server_continues_the_conversation(
    two_servers: List[services.Service], shared_env: Dict[str, str]
) -> None:
    sender = uuid.uuid4().hex
    say("ik woon in Almere", sender, rasa_port=FIRST.rasa)
    first = next(s for s in two_servers if s.name == "rasa" and str(FIRST.rasa) in s.log.name)
    services.stop_process(first.process)
    restarted = services.start(["rasa"], FIRST, model_path(), shared_env)[0]
    two_servers[two_servers.index(first)] = restarted
    data = custom(say("hoe vind ik een clientondersteuner?", sender, rasa_port=FIRST.rasa))
    assert data["municipality"] == "Almere" and data["local"] is True


def test_safety_replies_while_the_tracker_and_lock_store_are_unreachable(tmp_path: Path) -> None:
    """Nothing shared is stopped: this Rasa server is pointed at closed ports instead."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}",
        "TRACKER_STORE_URL": "postgresql+psycopg2://postgres@127.0.0.1:1/none",
        "LOCK_STORE_URL": "redis://127.0.0.1:1/1",
        **SECRETS,
    }
    rasa = services.start(["rasa"], CLOSED, model_path(), env)[0]  # starts although both are down
    try:
        reply = say("help hij slaat mijn moeder nu en hij heeft een mes", rasa_port=CLOSED.rasa)
        assert custom(reply) == {"kind": "safety", "level": "acute"} and "112" in texts(reply)
        reply = say("ik wil niet meer leven", rasa_port=CLOSED.rasa)
        assert custom(reply) == {"kind": "safety", "level": "suicide"} and "113" in texts(reply)
    finally:
        services.stop_process(rasa.process)
