"""What the conversation remembers between turns (stored in Rasa slots)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Callable, Dict, Optional

from knowledge.masking import mask

QUESTION_MAX_CHARS = 300  # only the start of the last question is kept
SLOT_PREFIX = "topic_"


@dataclass
class DialogueState:
    article: Optional[str] = None  # slug of the last answer
    section: Optional[str] = None  # aspect of the last answer (termijn, duur, ...)
    organisation: Optional[str] = None
    measure: Optional[str] = None
    right: Optional[str] = None
    age: Optional[int] = None  # the child's age, where the parent gave it
    question: Optional[str] = None  # the last question that had its own topic
    earlier: Optional[str] = None  # the first article when the last message got two answers
    misses: int = 0  # answers in a row that were not an answer

    def to_slots(self) -> Dict[str, Any]:
        """Slot name -> value: topic_article, topic_section, ..., topic_misses."""
        values = asdict(self)
        if values["question"]:
            # Slots are stored in the tracker: no personal data in them.
            values["question"] = mask(values["question"])[:QUESTION_MAX_CHARS]
        return {SLOT_PREFIX + k: v for k, v in values.items()}

    @classmethod
    def from_slots(cls, get: Callable[[str], Any]) -> "DialogueState":
        """Read the state back with GET(slot_name); tolerant of missing or odd values."""
        state = cls()
        for f in fields(cls):
            value = get(SLOT_PREFIX + f.name)
            if value is None:
                continue
            if f.name in ("age", "misses"):
                try:
                    setattr(state, f.name, int(float(value)))
                except (TypeError, ValueError, OverflowError):  # "inf" from a forged slot
                    continue
            else:
                setattr(state, f.name, str(value))
        return state

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]]) -> "DialogueState":
        data = data or {}
        return cls.from_slots(lambda name: data.get(name[len(SLOT_PREFIX) :]))

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)
