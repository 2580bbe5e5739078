"""Several Rasa servers behind the web app (webapp/rasa_client.py): each conversation
keeps its own server, the next one takes a message when that one is down, and
"Gesprek wissen" reaches every server. Real HTTP against two stand-in servers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple

import pytest

from knowledge.config import settings
from scripts import services
from webapp import rasa_client


class Stand(ThreadingHTTPServer):
    """A stand-in Rasa server: answers the REST channel and the tracker API, remembers who asked."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, str, str]] = []  # (method, path, sender)
        super().__init__(("127.0.0.1", 0), Handler)


class Handler(BaseHTTPRequestHandler):
    server: Stand

    def _answer(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        sender = body.get("sender", "") if isinstance(body, dict) else ""
        self.server.calls.append((self.command, self.path, sender))
        reply = json.dumps([{"text": f"server {self.server.server_port}"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_POST = do_PUT = _answer

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture()
def two(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[Stand]]:
    stands = [Stand(), Stand()]
    for stand in stands:
        threading.Thread(target=stand.serve_forever, daemon=True).start()
    monkeypatch.setenv("RASA_URL", ",".join(f"http://127.0.0.1:{s.server_port}/" for s in stands))
    monkeypatch.setenv("RASA_JWT_SECRET", "x" * 32)
    settings.cache_clear()
    yield stands
    for stand in stands:
        stand.shutdown()
        stand.server_close()
    settings.cache_clear()


def server_of(reply: list) -> str:
    return reply[0]["text"]


def test_each_conversation_keeps_its_server_and_both_get_some(two: List[Stand]) -> None:
    conversations = [f"conversation-{i:04d}-abcdefgh" for i in range(40)]
    first = {c: server_of(rasa_client.send_message(c, "Wat doet Veilig Thuis?")) for c in conversations}
    again = {c: server_of(rasa_client.send_message(c, "Wie beslist dat?")) for c in conversations}
    assert first == again
    assert all(len(stand.calls) >= 8 for stand in two)  # 40 conversations spread over both


def test_when_its_server_is_down_the_next_one_answers(two: List[Stand]) -> None:
    down = two[0]
    mine = next(
        c
        for c in (f"conversation-{i:04d}-abcdefgh" for i in range(100))
        if rasa_client.servers_for(c)[0].endswith(f":{down.server_port}")
    )
    down.shutdown()
    down.server_close()
    assert server_of(rasa_client.send_message(mine, "hallo")) == f"server {two[1].server_port}"


def test_forgetting_a_conversation_reaches_every_server(two: List[Stand]) -> None:
    assert rasa_client.forget_conversation("conversation-0001-abcdefgh") is True
    for stand in two:
        assert [(m, p) for m, p, _ in stand.calls] == [
            ("PUT", "/conversations/conversation-0001-abcdefgh/tracker/events")
        ]


def test_the_launcher_lists_every_rasa_server_for_the_web_app() -> None:
    ports = services.Ports(rasa=36005)
    assert services.rasa_urls(ports, 3) == "http://127.0.0.1:36005,http://127.0.0.1:36006,http://127.0.0.1:36007"
