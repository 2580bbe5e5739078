"""action_delete_conversation: forget what was stored of this conversation."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset
from rasa_sdk.executor import CollectingDispatcher

from knowledge import handoff
from knowledge.db import session_scope


class ActionDeleteConversation(Action):
    def name(self) -> Text:
        return "action_delete_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        if next(tracker.get_latest_entity_values("confirm"), None) != "ja":
            # A question like "hoe wis ik dit gesprek?" must not delete anything yet.
            dispatcher.utter_message(
                text="Wil je dat ik bewaarde gegevens van dit gesprek nu verwijder?",
                json_message={"kind": "confirm_delete"},
                buttons=[
                    {"title": "Ja, verwijder", "payload": '/delete_conversation{"confirm": "ja"}'},
                    {"title": "Nee", "payload": "/deny"},
                ],
            )
            return []
        with session_scope() as session:
            removed = handoff.delete_conversation(session, tracker.sender_id)
        dispatcher.utter_message(
            text=(
                "Wat we van dit gesprek bewaarden, is verwijderd. Ook je gemeente ben ik "
                "vergeten. Je kunt gewoon een nieuwe vraag stellen."
            ),
            json_message={"kind": "deleted", "tickets": removed},
        )
        return [AllSlotsReset()]
