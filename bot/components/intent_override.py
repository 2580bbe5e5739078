"""Shared helper for components that override the classified intent."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message


def set_intent(message: Message, name: str) -> None:
    """Make NAME the message's intent with full confidence, keeping the ranking."""
    ranking: List[Dict[str, Any]] = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != name]
    top = {"name": name, "confidence": 1.0}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
