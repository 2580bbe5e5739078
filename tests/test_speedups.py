"""bot/speedups.py makes Rasa cheaper per message without changing what it does:
the action server's answer is still validated (same schema, same error), and
events are still read back as the same classes."""

from __future__ import annotations

from typing import Any, Dict

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core import events
from rasa.shared.utils.common import all_subclasses

from bot import speedups

speedups.install()
GOOD: Dict[str, Any] = {
    "events": [{"event": "slot", "name": "topic_article", "value": "veilig-thuis", "timestamp": None}],
    "responses": [{"text": "Veilig Thuis is ...", "buttons": [], "custom": {"kind": "answer"}}],
}
BAD = [
    {"events": [{"event": "slot", "name": 5}]},
    {"events": "not a list"},
    {"responses": [["not", "an", "object"]]},
    {"events": [{"event": "no-such-event"}]},
]


def action() -> RemoteAction:
    return RemoteAction("action_answer", None)


def test_a_good_answer_passes_and_the_schema_is_checked_only_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = []
    cls = type(speedups.action_result_validator())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda _cls, schema: checked.append(schema)))
    for _ in range(5):
        assert action()._validate_action_result(GOOD) is True
    assert checked == []  # Rasa's own version checks the schema on every call


@pytest.mark.parametrize("answer", BAD)
def test_a_bad_answer_fails_as_in_rasa(answer: Dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as ours:
        action()._validate_action_result(answer)
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    assert ours.value.message.startswith(theirs.value.message)
    assert "Failed to validate Action server response" in ours.value.message


EVENTS = [
    {"event": "slot", "name": "a", "value": [1, 2], "timestamp": 1.5},
    {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
    {"event": "bot", "text": "hallo", "data": {"buttons": []}, "metadata": {}},
    {"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "greet"}, "entities": []}},
    {"event": "active_loop", "name": None},
    {"event": "followup", "name": "action_answer"},
    {"event": "reset_slots"},
    {"event": "user", "text": 5},  # invalid: text
    {"event": "slot", "name": 5},  # invalid: name
    {"event": "action"},  # invalid: no name
    {"event": "nonsense"},  # no such kind
    {"event": "bot", "timestamp": "yesterday"},  # invalid: the common part
    {"name": "no event"},
    "not an object",
]


@pytest.mark.parametrize("event", EVENTS)
def test_checking_by_kind_agrees_with_the_whole_schema(event: Any) -> None:
    answer = {"events": [GOOD["events"][0], event], "responses": []}
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())  # what Rasa does
        rasa_accepts = True
    except jsonschema.ValidationError:
        rasa_accepts = False
    assert speedups.valid_by_kind(answer) == rasa_accepts


def test_every_event_type_resolves_to_the_same_class() -> None:
    for cls in all_subclasses(events.Event):
        assert events.Event.resolve_by_type(cls.type_name) is cls
        assert events.Event.resolve_by_type(cls.type_name) is cls  # remembered
    assert events.Event.resolve_by_type("unknown", default=events.SlotSet) is events.SlotSet
    assert events.Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("unknown")
    assert events.Event.from_parameters({"event": "slot", "name": "a", "value": 1}) == events.SlotSet("a", 1)
