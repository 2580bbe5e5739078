"""action_handoff: pass the conversation to a person, or offer a callback."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import municipality
from knowledge import handoff
from knowledge.db import session_scope
from knowledge.safety import LEVELS

QUEUED = (
    "Ik verbind je door met een medewerker van de gemeente. Blijf in deze chat: "
    "je ziet hier wanneer iemand er is. Je kunt alvast typen wat je wilt vertellen. "
    "Is er direct gevaar? Bel 112."
)
UNAVAILABLE = (
    "Op dit moment zijn er geen medewerkers in de chat. Wil je dat we je terugbellen? "
    "Laat dan hieronder je telefoonnummer of e-mail achter. Wil je nu met iemand praten? "
    "Bel Veilig Thuis: 0800-2000 (gratis, dag en nacht). Denk je aan zelfdoding? Bel gratis "
    "113 of 0800-0113. Bij direct gevaar: bel 112."
)


def transcript(tracker: Tracker) -> List[handoff.Line]:
    """The conversation so far, as the parent and the bot said it."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append(handoff.Line("parent", event["text"]))
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(handoff.Line("bot", event["text"]))
    return lines


def most_serious_level(tracker: Tracker) -> Optional[str]:
    """The most serious safety level seen in this conversation, if any."""
    seen = [
        ((e.get("parse_data") or {}).get("safety") or {}).get("level")
        for e in tracker.events
        if e.get("event") == "user"
    ]
    ranked = [level for level in seen if level in LEVELS]
    return min(ranked, key=LEVELS.index) if ranked else None


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # The slot, else the site the widget is on (a first message "ik wil een mens").
        place, events = municipality(tracker)
        available = handoff.staffed(place)
        with session_scope() as session:
            ticket = handoff.create_ticket(
                session,
                tracker.sender_id,
                transcript(tracker),
                most_serious_level(tracker),
                place,
                status="queued" if available else "unavailable",
            )
            # No ticket token here: the payload is stored in Rasa's tracker. The widget's key
            # is the conversation id (webapp/api_chat.py); the token stays in the database.
            payload = {"kind": "handoff", "status": ticket.status, "ticket": ticket.public_id}
        dispatcher.utter_message(text=QUEUED if available else UNAVAILABLE, json_message=payload)
        # After a pause Rasa logs no action_listen; add it, so that when staff hand
        # the conversation back, the next message matches the rules again.
        return events + ([ConversationPaused(), ActionExecuted("action_listen")] if available else [])
