"""The one call the web app makes to the Rasa server: resume a paused conversation.

The Rasa API token stays on the server; the browser never sees it.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

import httpx

from knowledge.config import settings

log = logging.getLogger(__name__)


def resume_conversation(conversation_id: str) -> bool:
    """Let the bot answer this conversation again; False when Rasa cannot be reached."""
    url = f"{settings().rasa_url}/conversations/{quote(conversation_id, safe='')}/tracker/events"
    try:
        response = httpx.post(url, params={"token": settings().rasa_token}, json=[{"event": "resume"}], timeout=10)
        response.raise_for_status()
        return True
    except httpx.HTTPError as exc:
        log.warning("could not resume a conversation in Rasa: %s", type(exc).__name__)
        return False
