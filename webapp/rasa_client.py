"""The web app's calls to the Rasa server, over the internal network.

- send_message: the parent's message to Rasa's REST channel
  (bot/channels/rest.py, /webhooks/rest/webhook); the widget never sees Rasa.
- resume_conversation and forget_conversation: Rasa's HTTP API, with a
  short-lived JWT signed with RASA_JWT_SECRET in the Authorization header (never
  in a URL, so no proxy or access log sees it); the browser never sees it.

RASA_URL says where Rasa is; several Rasa servers can sit behind one address.
Message texts are never logged, only the kind of failure.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import httpx
import jwt

from knowledge.config import settings

log = logging.getLogger(__name__)
REPLY_TIMEOUT = httpx.Timeout(30.0, connect=3.0)


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


def _conversation_url(conversation_id: str, tail: str) -> str:
    return f"{settings().rasa_url}/conversations/{quote(conversation_id, safe='')}/{tail}"


def send_message(conversation_id: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """The bot's messages for one parent message (Rasa's REST channel format)."""
    body = {"sender": conversation_id, "message": text, "metadata": metadata or {}}
    try:
        response = httpx.post(f"{settings().rasa_url}/webhooks/rest/webhook", json=body, timeout=REPLY_TIMEOUT)
        response.raise_for_status()
        messages = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("could not reach the bot: %s", type(exc).__name__)
        raise BotUnavailable() from exc
    if not isinstance(messages, list):
        raise BotUnavailable()
    return [m for m in messages if isinstance(m, dict)]


def bot_reachable() -> bool:
    try:
        return httpx.get(f"{settings().rasa_url}/webhooks/rest/", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def resume_conversation(conversation_id: str) -> bool:
    """Let the bot answer this conversation again; False when Rasa cannot be reached."""
    url = _conversation_url(conversation_id, "tracker/events")
    try:
        response = httpx.post(url, headers=api_headers(), json=[{"event": "resume"}], timeout=10)
        response.raise_for_status()
        return True
    except httpx.HTTPError as exc:
        log.warning("could not resume a conversation in Rasa: %s", type(exc).__name__)
        return False


def forget_conversation(conversation_id: str) -> bool:
    """Replace everything Rasa remembers of this conversation by nothing ('Gesprek wissen')."""
    url = _conversation_url(conversation_id, "tracker/events")
    try:
        response = httpx.put(url, headers=api_headers(), json=[], timeout=10)
        response.raise_for_status()
        return True
    except httpx.HTTPError as exc:
        log.warning("could not delete a conversation in Rasa: %s", type(exc).__name__)
        return False
