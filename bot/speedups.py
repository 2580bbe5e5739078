"""Two per-message costs of Rasa 3.6, removed without changing what Rasa does.

Found by profiling the Rasa server under load (py-spy; docs/performance.md):
- `RemoteAction._validate_action_result` calls `jsonschema.validate()`, which first
  checks the *schema* against JSON Schema's metaschema, on every call, and only then
  the action server's answer: about half of the Rasa server's CPU with our actions.
  Here the schema is checked once and its validator kept; every answer is still
  validated against the same schema, with the same error.
  What is left of it is mostly the `oneOf` over 23 event kinds, tried for every
  event: a valid answer is now checked against the one kind its `event` names
  (the kinds' names are distinct constants, so that is what `oneOf` decides); an
  answer that fails goes through the whole schema for Rasa's own error.
- `Event.resolve_by_type` walks every Event subclass for each event it reads back
  from the tracker store (all events of the conversation, on every message). Here
  the class found for a type name is remembered.

scripts/rasa_server.py installs both before Rasa starts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text, Tuple, Type

_installed = False


@lru_cache(maxsize=1)
def action_result_validator() -> Any:
    """The validator of the action server's answer, its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _per_kind() -> Optional[Tuple[Any, Dict[Text, Any]]]:
    """A validator of the answer without its events' oneOf, and one per event kind;
    None when the kinds cannot be told apart by their `event` constant."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    event = schema["properties"]["events"]["items"]
    base = {key: value for key, value in event.items() if key != "oneOf"}
    kinds: Dict[Text, Any] = {}
    for sub in event["oneOf"]:
        name = sub.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in kinds:
            return None
        kinds[name] = sub
    cls = validator_for(schema)
    outer = cls({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})
    return outer, {name: cls({"allOf": [base, sub]}) for name, sub in kinds.items()}


def valid_by_kind(result: Any) -> bool:
    """True only when RESULT is valid under Rasa's schema (False: look with the whole schema)."""
    parts = _per_kind()
    if parts is None or not parts[0].is_valid(result):
        return False
    for event in result.get("events") or []:
        kind = parts[1].get(str(event.get("event"))) if isinstance(event, dict) else None
        if kind is None or not kind.is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if valid_by_kind(result):
        return True
    error: Optional[ValidationError] = best_match(action_result_validator().iter_errors(result))
    if error is not None:
        error.message += (  # Rasa's own wording
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Replace the two slow functions in Rasa (once per process)."""
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: Dict[Text, Type[Event]] = {}

    def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)  # unknown: Rasa's own answer (default, None or ValueError)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)
    RemoteAction._validate_action_result = _validate_action_result
    _installed = True
