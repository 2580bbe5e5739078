"""What the actions need to know about the conversation, read from the tracker."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge.answers import Answer
from knowledge.input_check import MAX_CHARS, clean
from knowledge.municipalities import canonical_municipality, find_municipality


def user_text(tracker: Tracker) -> str:
    """The latest message, cleaned and cut to what retrieval should read."""
    return clean(tracker.latest_message.get("text"))[:MAX_CHARS]


def was_too_long(tracker: Tracker) -> bool:
    return tracker.latest_message.get("input_problem") == "too_long"


def municipality(tracker: Tracker) -> Tuple[Optional[str], List[Dict[str, Any]]]:
    """The parent's municipality and the slot event to remember it, if it is new.

    A municipality named in the message wins over the site the widget is embedded
    on, which wins over what the conversation already knew.
    """
    known = tracker.get_slot("municipality")
    metadata = tracker.latest_message.get("metadata") or {}
    found = find_municipality(user_text(tracker)) or canonical_municipality(str(metadata.get("municipality") or ""))
    if found and found != known:
        return found, [SlotSet("municipality", found)]
    return known, []


def send(dispatcher: CollectingDispatcher, answer: Answer, prefix: str = "") -> None:
    dispatcher.utter_message(text=f"{prefix}{answer.text}", json_message=answer.payload, buttons=answer.buttons or None)
