"""Hostile requests at the web app, over real HTTP (uvicorn on a free port):
security headers on every page, no framing of staff and editor pages, the Host
header never reflected, trusted hosts, bad paths and oversized bodies are 4xx."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from typing import Dict, Iterator, Optional, Tuple

import pytest
import uvicorn

from knowledge.config import settings


@pytest.fixture(scope="module")
def port(content_db: str) -> Iterator[int]:
    from webapp.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=free, log_level="warning", ws="none"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield free
    server.should_exit = True
    thread.join(timeout=10)


def request(
    port: int, method: str, path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in {"Host": f"127.0.0.1:{port}", **(headers or {})}.items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("Content-Type", "application/json")
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("path", ["/", "/staff", "/editor", "/login", "/docs", "/widget/widget.js", "/healthz"])
def test_every_page_has_the_security_headers(port: int, path: str) -> None:
    status, headers, _ = request(port, "GET", path)
    assert status < 500
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "strict-transport-security" not in headers  # plain HTTP: HSTS only behind TLS


@pytest.mark.parametrize("path", ["/staff/", "/editor/", "/docs/", "/widget", "/chat/messages/"])
def test_redirects_do_not_reflect_the_host_header(port: int, path: str) -> None:
    status, headers, _ = request(port, "GET", path, headers={"Host": "evil.example"})
    if status in (301, 302, 303, 307, 308):
        assert "evil.example" not in headers["location"] and headers["location"].startswith("/")


def test_an_untrusted_host_is_refused(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_HOSTS", "chat.example.nl,127.0.0.1")
    settings.cache_clear()
    try:
        assert request(port, "GET", "/healthz", headers={"Host": "evil.example"})[0] == 400
        assert request(port, "GET", "/healthz", headers={"Host": "chat.example.nl"})[0] == 200
        assert request(port, "GET", "/healthz")[0] == 200
    finally:
        monkeypatch.delenv("TRUSTED_HOSTS")
        settings.cache_clear()


@pytest.mark.parametrize("path", ["/widget/%00", "/widget/%00.js", "/widget/a%0d%0aSet-Cookie:x", "/%7f", "/staff%00"])
def test_bad_paths_are_404_not_500(port: int, path: str) -> None:
    assert request(port, "GET", path)[0] == 404


def test_an_oversized_chat_body_is_refused_before_it_is_read(port: int) -> None:
    body = json.dumps({"conversation": "0123456789abcdef0123", "text": "x" * 100_000}).encode()
    status, _, reply = request(port, "POST", "/chat/messages", body)
    assert status == 413 and b"te groot" in reply
    metadata = json.dumps({"conversation": "0123456789abcdef0123", "text": "hoi", "municipality": "A" * 10_000_000})
    assert request(port, "POST", "/chat/messages", metadata.encode())[0] == 413


@pytest.mark.parametrize("body", [b"", b"[]", b"null", b"\x00\xff\xfe", b'{"conversation": 5}', b"{"])
def test_malformed_chat_bodies_are_4xx(port: int, body: bytes) -> None:
    assert 400 <= request(port, "POST", "/chat/messages", body)[0] < 500
