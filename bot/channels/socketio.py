"""Rasa's socket.io channel, with custom payloads delivered as they are.

Two problems of Rasa 3.6's channel with the python-socketio it installs:
- its output sends a custom payload as keyword arguments of `emit`
  (`sio.emit(event, **payload)`), so our payloads ({"kind": "answer", ...})
  raise a TypeError and the parent receives nothing;
- it calls `sio.enter_room` without awaiting it (a coroutine in python-socketio
  5.10+), so with session persistence the replies go to a room nobody is in.
This channel re-registers the two handlers concerned; the rest is Rasa's own.

credentials.yml:  bot.channels.socketio.SocketIOInput: {session_persistence: true}
"""

from __future__ import annotations

import inspect
import json
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput as RasaSocketIOOutput
from sanic import Blueprint

from knowledge.input_check import normalise


class SocketIOOutput(RasaSocketIOOutput):
    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self.sio.emit(self.bot_message_evt, json_message, room=recipient_id)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # Rasa splits text on blank lines into several messages; keep one bubble.
        await self._send_message(recipient_id, {"text": text})


class SocketIOInput(RasaSocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data or {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            sender_id: Optional[Text] = data.get("session_id") if self.session_persistence else sid
            if not sender_id:
                return  # Rasa ignores a message without a session id too
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            if not isinstance(metadata, dict):
                metadata = {}
            await on_new_message(
                UserMessage(
                    normalise(data.get("message", "")),
                    SocketIOOutput(sio, self.bot_message_evt),
                    sender_id,
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )

        return blueprint
