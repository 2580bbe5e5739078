"""The web app's calls to the Rasa server, over the internal network.

- send_message: the parent's message to Rasa's REST channel
  (bot/channels/rest.py, /webhooks/rest/webhook); the widget never sees Rasa.
- resume_conversation and forget_conversation: Rasa's HTTP API, with a
  short-lived JWT signed with RASA_JWT_SECRET in the Authorization header (never
  in a URL, so no proxy or access log sees it); the browser never sees it.

RASA_URL says where Rasa is: one address (a load balancer, or Docker's DNS over
replicas), or several separated by commas (`make run` with RASA_SERVERS=2). With
several, each conversation has its own server (the same one for every message, so
a server's in-memory tracker store keeps it; with the SQL tracker store any server
could take it); when that one cannot be reached the next one takes the message.
"Gesprek wissen" goes to every server. Message texts are never logged, only the
kind of failure.
"""

from __future__ import annotations

import logging
import time
import zlib
from functools import lru_cache
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import httpx
import jwt

from knowledge.config import settings

log = logging.getLogger(__name__)
REPLY_TIMEOUT = httpx.Timeout(30.0, connect=3.0)
# Idle connections are closed before Rasa's (Sanic's) keep-alive timeout of 5 s closes them.
LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=4.0)


@lru_cache(maxsize=1)
def _http() -> httpx.Client:
    """One client per process, keeping connections to Rasa open: no new connection and
    no new TLS context per message (profiled: a tenth of the web app's CPU under load)."""
    return httpx.Client(limits=LIMITS)


class BotUnavailable(Exception):
    """Rasa could not be reached, or did not answer properly."""


def api_headers(secret: Optional[str] = None, seconds: int = 60) -> Dict[str, str]:
    """The Authorization header for Rasa's HTTP API: a JWT with the admin role, valid SECONDS.

    Without a secret there is no header: Rasa refuses the call (401) and the caller says so."""
    secret = secret or settings().rasa_jwt_secret
    if not secret:
        return {}
    payload = {"user": {"username": "webapp", "role": "admin"}, "exp": int(time.time()) + seconds}
    token = jwt.encode(payload, secret, algorithm="HS256")
    return {"Authorization": f"Bearer {token}"}


def servers() -> List[str]:
    """The Rasa servers' base addresses, from RASA_URL."""
    return [url.strip().rstrip("/") for url in settings().rasa_url.split(",") if url.strip()]


def servers_for(conversation_id: str) -> List[str]:
    """Every Rasa server, this conversation's own one first (always the same one)."""
    every = servers()
    first = zlib.crc32(conversation_id.encode()) % len(every)
    return every[first:] + every[:first]


def _conversation_url(base: str, conversation_id: str, tail: str) -> str:
    return f"{base}/conversations/{quote(conversation_id, safe='')}/{tail}"


def _post_to_own_server(conversation_id: str, path: str, **kwargs: Any) -> httpx.Response:
    """POST to the conversation's server; the next one when it cannot be reached (nothing was delivered)."""
    candidates = servers_for(conversation_id)
    for i, base in enumerate(candidates):
        url = _conversation_url(base, conversation_id, path) if not path.startswith("/") else base + path
        try:
            return _http().post(url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            if i == len(candidates) - 1:
                raise
            log.warning("a Rasa server cannot be reached; the next one takes the message")
    raise AssertionError("unreachable")  # pragma: no cover - servers() is never empty


def send_message(conversation_id: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """The bot's messages for one parent message (Rasa's REST channel format)."""
    body = {"sender": conversation_id, "message": text, "metadata": metadata or {}}
    try:
        response = _post_to_own_server(conversation_id, "/webhooks/rest/webhook", json=body, timeout=REPLY_TIMEOUT)
        response.raise_for_status()
        messages = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("could not reach the bot: %s", type(exc).__name__)
        raise BotUnavailable() from exc
    if not isinstance(messages, list):
        raise BotUnavailable()
    return [m for m in messages if isinstance(m, dict)]


def bot_reachable() -> bool:
    """Whether any Rasa server answers."""
    for base in servers():
        try:
            if _http().get(f"{base}/webhooks/rest/", timeout=3).status_code == 200:
                return True
        except httpx.HTTPError:
            continue
    return False


def resume_conversation(conversation_id: str) -> bool:
    """Let the bot answer this conversation again; False when Rasa cannot be reached."""
    try:
        response = _post_to_own_server(
            conversation_id, "tracker/events", headers=api_headers(), json=[{"event": "resume"}], timeout=10
        )
        response.raise_for_status()
        return True
    except httpx.HTTPError as exc:
        log.warning("could not resume a conversation in Rasa: %s", type(exc).__name__)
        return False


def forget_conversation(conversation_id: str) -> bool:
    """Replace everything Rasa remembers of this conversation by nothing ('Gesprek wissen'),
    on every Rasa server (one may have taken a message while the conversation's own was down)."""
    done = True
    for base in servers():
        try:
            url = _conversation_url(base, conversation_id, "tracker/events")
            _http().put(url, headers=api_headers(), json=[], timeout=10).raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("could not delete a conversation in Rasa: %s", type(exc).__name__)
            done = False
    return done
