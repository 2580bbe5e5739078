"""The shape of a call from Rasa to the action server, checked before any action runs.

rasa_sdk takes whatever JSON arrives and fails deep inside an action on a field
of the wrong type (a 500). `read_action_call` accepts exactly the shape Rasa 3.6
sends (rasa.core.actions.action.RemoteAction: next_action, sender_id, tracker as
DialogueStateTracker.current_state(), domain as Domain.as_dict(), version) and
says what is wrong otherwise, without repeating any value from the body.
Unknown fields are allowed (Rasa adds some between versions); the fields rasa_sdk
and our actions read must have the type Rasa gives them.
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Dict, List, Optional, Union

from pydantic import BaseModel, Extra, StrictBool, StrictFloat, StrictInt, StrictStr, ValidationError, root_validator

MAX_INFLATED_BYTES = 8_000_000  # a deflated body may not unpack to more than this
Number = Union[StrictInt, StrictFloat]


class BadActionCall(ValueError):
    """The body is not an action call; the message names fields, never values."""


class _Open(BaseModel):
    """An object with these fields at least; pydantic's conversions (a list of pairs
    to an object, a tuple to a list) are off: JSON objects and lists only."""

    class Config:
        extra = Extra.allow

    @classmethod
    def validate(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise TypeError("an object is needed")
        return super().validate(value)

    @root_validator(pre=True)
    def _objects_and_lists_as_sent(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        for name, field in cls.__fields__.items():
            kind = getattr(field.outer_type_, "__origin__", None)
            value = values.get(field.alias)
            if value is not None and kind in (dict, list) and not isinstance(value, kind):
                raise TypeError(f"{name}: an {'object' if kind is dict else 'list'} is needed")
        return values


class Entity(_Open):
    entity: Optional[StrictStr] = None
    role: Optional[StrictStr] = None
    group: Optional[StrictStr] = None


class Intent(_Open):
    name: Optional[StrictStr] = None
    confidence: Optional[Number] = None


class ParseData(_Open):
    """`latest_message`, and `parse_data` of a user event."""

    text: Optional[StrictStr] = None
    intent: Intent = Intent()
    entities: List[Entity] = []
    metadata: Optional[Dict[StrictStr, Any]] = None
    safety: Optional[Dict[StrictStr, Any]] = None
    input_problem: Optional[StrictStr] = None


class Event(_Open):
    event: StrictStr
    timestamp: Optional[Number] = None
    name: Optional[StrictStr] = None
    text: Optional[StrictStr] = None
    input_channel: Optional[StrictStr] = None
    parse_data: Optional[ParseData] = None


class ActiveLoop(_Open):
    name: Optional[StrictStr] = None


class TrackerState(_Open):
    sender_id: StrictStr
    slots: Dict[StrictStr, Any] = {}
    latest_message: Optional[ParseData] = None
    events: List[Event] = []
    paused: StrictBool = False
    followup_action: Optional[StrictStr] = None
    active_loop: Optional[ActiveLoop] = None
    latest_action_name: Optional[StrictStr] = None


class SlotMapping(_Open):
    conditions: List[Dict[StrictStr, Any]] = []


class DomainSlot(_Open):
    mappings: List[SlotMapping] = []


class DomainForm(_Open):
    required_slots: List[StrictStr] = []


class DomainState(_Open):
    slots: Dict[StrictStr, DomainSlot] = {}
    forms: Dict[StrictStr, DomainForm] = {}


class ActionCall(_Open):
    next_action: StrictStr
    sender_id: Optional[StrictStr] = None
    tracker: TrackerState
    domain: DomainState = DomainState()
    version: Optional[StrictStr] = None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_action_call(body: bytes, content_encoding: Optional[str] = None) -> Dict[str, Any]:
    """The action call in BODY (deflated when CONTENT_ENCODING says so); BadActionCall otherwise."""
    raw = body or b""
    if content_encoding == "deflate":
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(raw, MAX_INFLATED_BYTES)
        except zlib.error:
            raise BadActionCall("the body is not deflated data") from None
        if inflater.unconsumed_tail:
            raise BadActionCall("the body unpacks to too much data")
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadActionCall("the body is not JSON in UTF-8") from None
    if not isinstance(data, dict):
        raise BadActionCall("the body must be a JSON object")
    try:
        ActionCall.parse_obj(data)
    except ValidationError as error:
        where = sorted({_field_path(e["loc"]) for e in error.errors()})
        raise BadActionCall("wrong or missing fields: " + ", ".join(where[:5])) from None
    return data


def _field_path(loc: Any) -> str:
    """Where a field is, with our field names only: keys and values from the body become '*'."""
    return ".".join(str(part) if part in FIELD_NAMES else "*" for part in loc)


FIELD_NAMES = frozenset(
    name
    for model in (ActionCall, TrackerState, DomainState, DomainForm, DomainSlot, SlotMapping, Event, ParseData)
    + (Intent, Entity, ActiveLoop)
    for name in model.__fields__
) | frozenset({"__root__"})
