"""What every answer of the web app gets, and what every request must not be (issue 13).

- Security headers: nosniff, Referrer-Policy, no framing of our pages
  (X-Frame-Options and CSP frame-ancestors, kept where a route set its own
  policy), HSTS when the request came over HTTPS (uvicorn --proxy-headers
  behind nginx).
- Trusted hosts (TRUSTED_HOSTS): another Host header gets 400. Redirects made by
  the framework (a trailing slash, /widget -> /widget/) carry a relative
  Location, so even with TRUSTED_HOSTS=* the Host header is never reflected.
- Bad paths (a NUL or another control character, e.g. /widget/%00) get 404
  instead of a 500 from the file system.
- Request bodies are limited: MAX_BODY_BYTES in general, MAX_CHAT_BODY_BYTES for
  the widget's /chat/ endpoints (a message is cut at 10,000 characters anyway);
  a larger body gets 413 before it is read into memory.

A pure ASGI middleware: it sees the raw path and the body as it streams in.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Tuple
from urllib.parse import unquote, urlsplit

from fastapi import FastAPI

from knowledge.config import settings

MAX_BODY_BYTES = 512 * 1024
MAX_CHAT_BODY_BYTES = 32 * 1024
HEADERS: List[Tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
FRAME_POLICY = b"frame-ancestors 'none'"
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

Scope = Dict[str, Any]
Message = Dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TooLarge(Exception):
    pass


async def _plain(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())] + HEADERS,
        }
    )
    await send({"type": "http.response.body", "body": body})


def _host_allowed(scope: Scope, trusted: Tuple[str, ...]) -> bool:
    if "*" in trusted:
        return True
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").rsplit(":", 1)[0].lower()
    return any(host == t or (t.startswith("*.") and host.endswith(t[1:])) for t in trusted)


def _bad_path(scope: Scope) -> bool:
    raw = scope.get("raw_path") or scope.get("path", "").encode()
    path = unquote(raw.decode("latin-1") if isinstance(raw, bytes) else str(raw))
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in path + scope.get("path", ""))


def _relative(location: bytes) -> bytes:
    """http://any-host/path?q -> /path?q (our own redirects only ever stay on this site)."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.scheme and not parts.netloc:
        return location
    return ((parts.path or "/") + (f"?{parts.query}" if parts.query else "")).encode("latin-1")


def _with_headers(headers: List[Tuple[bytes, bytes]], https: bool) -> List[Tuple[bytes, bytes]]:
    names = {name.lower() for name, _ in headers}
    out = [(n, _relative(v)) if n.lower() == b"location" else (n, v) for n, v in headers]
    out += [(n, v) for n, v in HEADERS if n not in names]
    if b"content-security-policy" not in names:
        out.append((b"content-security-policy", FRAME_POLICY))
    else:
        out = [
            (n, v + b"; " + FRAME_POLICY)
            if n.lower() == b"content-security-policy" and b"frame-ancestors" not in v
            # a route's own policy without frame-ancestors gets ours added
            else (n, v)
            for n, v in out
        ]
    if https and HSTS[0] not in names:
        out.append(HSTS)
    return out


class Guard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not _host_allowed(scope, settings().trusted_hosts):
            await _plain(send, 400, "Onbekende host.")
            return
        if _bad_path(scope):
            await _plain(send, 404, "Niet gevonden.")
            return
        limit = MAX_CHAT_BODY_BYTES if scope.get("path", "").startswith("/chat/") else MAX_BODY_BYTES
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _plain(send, 413, "Het bericht is te groot.")
            return
        https = scope.get("scheme") == "https"
        started = False
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": _with_headers(list(message.get("headers") or []), https)}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLarge:
            if not started:
                await _plain(send, 413, "Het bericht is te groot.")


def install(app: FastAPI) -> None:
    """Add the guard as the outermost middleware (it runs first and sees every answer)."""
    app.add_middleware(Guard)
