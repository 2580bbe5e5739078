"""PostgreSQL (the tracker store) and Redis (the lock store) going away and coming
back in the middle of a conversation (issue 13). The shared services on this
machine are not restarted: Rasa reaches them through TCP proxies that the test
stops (every connection cut, new ones refused) and starts again, which is what a
restart looks like from Rasa's side. During the outage the parent gets a reply
(safety replies in full); afterwards the conversation goes on with what was said
before."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from typing import Dict, Iterator, List, Tuple
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from scripts import services
from scripts.train import model_path
from tests.helpers import PORTS, SECRETS, custom, say, texts
from tests.test_e2e_scaleout import REDIS, shared_env, tracker_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
PROXIED = services.Ports(rasa=PORTS.rasa + 410, actions=PORTS.actions + 410, web=PORTS.web + 410)
PG_PROXY_PORT = PORTS.web + 411
REDIS_PROXY_PORT = PORTS.web + 412


class Proxy:
    """A TCP forwarder that can be cut off (as a restarting server is) and restored."""

    def __init__(self, port: int, target: Tuple[str, int]) -> None:
        self.port, self.target = port, target
        self._server: socket.socket | None = None
        self._open: List[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() thread; close() alone does not
            except OSError:
                pass
            self._server.close()
            self._server = None
        with self._lock:
            for conn in self._open:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                conn.close()
            self._open.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _via(url: str, port: int) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)
    auth = f"{host[0]}@" if len(host) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{port}"))


def _target(url: str, default: int) -> Tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default


def stored_user_turns(tracker_store_url: str, sender: str) -> List[str]:
    """The user messages of SENDER in the tracker store itself (not through a proxy)."""
    engine = sa.create_engine(tracker_store_url, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
                {"s": sender},
            ).all()
    finally:
        engine.dispose()
    return [json.loads(r[0]).get("text") for r in rows]


Proxied = Tuple[Proxy, Proxy, str]


@pytest.fixture(scope="module")
def proxied(shared_env: Dict[str, str]) -> Iterator[Proxied]:  # noqa: F811 - fixture from scaleout
    pg = Proxy(PG_PROXY_PORT, _target(shared_env["TRACKER_STORE_URL"], 5432))
    rd = Proxy(REDIS_PROXY_PORT, _target(REDIS, 6379))
    pg.start()
    rd.start()
    env = {
        **shared_env,
        "TRACKER_STORE_URL": _via(shared_env["TRACKER_STORE_URL"], PG_PROXY_PORT),
        "LOCK_STORE_URL": _via(REDIS, REDIS_PROXY_PORT),
        **SECRETS,
    }
    started = services.start(["actions"], PROXIED, model_path(), env)
    started += services.start(["rasa"], PROXIED, model_path(), env)
    try:
        yield pg, rd, shared_env["TRACKER_STORE_URL"]
    finally:
        for service in started:
            services.stop_process(service.process)
        pg.stop()
        rd.stop()


@pytest.mark.parametrize("which", ["postgres", "redis", "both"])
def test_a_store_restarted_mid_conversation(proxied: Proxied, which: str) -> None:
    pg, rd, store_url = proxied
    cut = {"postgres": [pg], "redis": [rd], "both": [pg, rd]}[which]
    sender = uuid.uuid4().hex
    assert texts(say("ik woon in Almere", sender, rasa_port=PROXIED.rasa))
    for proxy in cut:
        proxy.stop()
    try:
        # While it is down: a danger message still gets its emergency reply, and
        # an ordinary question gets a reply (an answer, or that it cannot now).
        reply = say("ik wil niet meer leven", sender, rasa_port=PROXIED.rasa)
        assert custom(reply)["kind"] == "safety" and "113" in texts(reply)
        assert texts(say("wat doet veilig thuis?", sender, rasa_port=PROXIED.rasa))
    finally:
        for proxy in cut:
            proxy.start()
    # Back: the conversation goes on with what was said before the outage, and
    # what is said now is stored again.
    data = custom(say("hoe vind ik een clientondersteuner?", sender, rasa_port=PROXIED.rasa))
    assert data.get("municipality") == "Almere" and data.get("local") is True, data
    stored = stored_user_turns(store_url, sender)
    assert "ik woon in Almere" in stored and "hoe vind ik een clientondersteuner?" in stored, stored
