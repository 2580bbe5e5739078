"""Rasa's REST channel, hardened: every message gets a reply, no text in logs.

Differences from Rasa 3.6's own `rest` channel (same URL, /webhooks/rest/webhook):
- a body that is not a JSON object, or lacks a `sender`, gets 400 instead of a
  shared "default" conversation or a 500; metadata is limited in size;
- the text is normalised and cut (knowledge.input_check.normalise) before the
  NLU pipeline, so half an emoji or a megabyte cannot stall or crash it;
- when the bot produced nothing (the action server is down, an action failed)
  and the conversation is not paused for a person, the reply is the domain's
  `utter_cannot_look_up` (with 112 and Veilig Thuis), never an empty list;
- errors are logged by type only: Rasa's channel logs the message text.

credentials.yml:  bot.channels.rest.RestInput: {}
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from knowledge.input_check import normalise

log = logging.getLogger(__name__)

FALLBACK_RESPONSE = "utter_cannot_look_up"
# Used only when even the domain's response cannot be rendered.
LAST_RESORT = (
    "Ik kan nu niets opzoeken. Probeer het later nog eens. Is er direct gevaar? Bel 112. "
    "Zorgen over geweld of kindermishandeling? Bel Veilig Thuis: 0800-2000 (gratis, dag en nacht)."
)
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 4096


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


def parse(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8", errors="replace") or "null")
    except ValueError:
        return None


async def is_paused(request: Request, sender_id: str) -> bool:
    """Whether a person has taken this conversation over (then silence is right)."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception as exc:  # noqa: BLE001 - a broken tracker store must not silence the reply
        log.warning("rest channel: could not read the tracker (%s)", type(exc).__name__)
        return False
    return bool(tracker and tracker.is_paused())


async def fallback_messages(request: Request, sender_id: str) -> List[Dict[str, Any]]:
    """The domain's 'cannot look anything up now' reply, or LAST_RESORT."""
    collector = CollectingOutputChannel()
    agent: Any = getattr(request.app.ctx, "agent", None)
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
        generated = await agent.nlg.generate(FALLBACK_RESPONSE, tracker, "rest")
        if generated:
            await collector.send_response(sender_id, generated)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the parent gets the helplines
        log.warning("rest channel: fallback response failed (%s)", type(exc).__name__)
    return collector.messages or [{"recipient_id": sender_id, "text": LAST_RESORT}]


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("hardened_rest_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = parse(request.body or b"")
            if not isinstance(body, dict):
                return bad_request("body must be a JSON object with 'sender' and 'message'")
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
                return bad_request("'sender' must be a non-empty string of at most 128 characters")
            metadata = body.get("metadata") or {}
            if not isinstance(metadata, dict) or len(json.dumps(metadata)) > MAX_METADATA_BYTES:
                return bad_request("'metadata' must be a JSON object of at most 4 KB")
            text = normalise(body.get("message"))
            messages = await self.handle(on_new_message, request, sender, text, metadata)
            return response.json(messages)

        return hook

    async def handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        request: Request,
        sender: str,
        text: str,
        metadata: Optional[Dict[str, Any]],
    ) -> List[Dict[str, Any]]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
        except Exception as exc:  # noqa: BLE001 - logged by type; the parent still gets a reply
            log.error("rest channel: handling a message failed (%s)", type(exc).__name__)
        if collector.messages or await is_paused(request, sender):
            return collector.messages
        return await fallback_messages(request, sender)
