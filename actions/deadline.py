"""The deadline helper as a Rasa form: which decision, on which date, then the last day.

The form asks only for what the parent did not say yet; knowledge.deadlines
reads the answers and works out the date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import send, user_text
from knowledge import deadlines

NO_DATE = "Ik kon daar geen datum in vinden. Typ bijvoorbeeld: 3 november, 13-11 of gisteren."
NO_DECISION = "Ik weet niet welke beslissing je bedoelt. Kies er een hieronder, of typ 'stop'."
STOP_WORDS = frozenset({"stop", "laat maar", "nee", "annuleer", "nee dank je", "hoeft niet"})


def _rule(tracker: Tracker) -> Optional[deadlines.Rule]:
    key = tracker.get_slot("deadline_decision")
    return deadlines.load_rules().decisions.get(str(key)) if key else None


def _is_stop(tracker: Tracker) -> bool:
    return user_text(tracker).strip(" .!").casefold() in STOP_WORDS


class ValidateDeadlineForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_deadline_form"

    async def extract_deadline_decision(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        rules = deadlines.load_rules()
        entity = next(tracker.get_latest_entity_values("deadline_decision"), None)
        if entity in rules.decisions:
            return {"deadline_decision": entity}
        rule, _named = rules.find(user_text(tracker))
        if rule is not None:
            return {"deadline_decision": rule.key}
        if tracker.get_slot("requested_slot") == "deadline_decision" and not _is_stop(tracker):
            dispatcher.utter_message(text=NO_DECISION)
            return {"deadline_decision": None}
        return {}

    async def extract_deadline_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        entity = next(tracker.get_latest_entity_values("deadline_date"), None)
        try:
            if entity:
                return {"deadline_date": dt.date.fromisoformat(str(entity)).isoformat()}
        except ValueError:
            pass
        found = deadlines.parse_date(user_text(tracker), dt.date.today())
        if found is not None:
            return {"deadline_date": found.isoformat()}
        if tracker.get_slot("requested_slot") == "deadline_date" and not _is_stop(tracker):
            dispatcher.utter_message(text=NO_DATE)
            return {"deadline_date": None}
        return {}


class ActionAskDeadlineDecision(Action):
    def name(self) -> Text:
        return "action_ask_deadline_decision"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        rules = deadlines.load_rules().decisions.values()
        dispatcher.utter_message(
            text="Over welke beslissing gaat het?",
            buttons=[deadlines.deadline_button(r) | {"title": r.short[:1].upper() + r.short[1:]} for r in rules],
        )
        return []


class ActionAskDeadlineDate(Action):
    def name(self) -> Text:
        return "action_ask_deadline_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        rule = _rule(tracker)
        what = rule.date_is if rule else "de beslissing"
        dispatcher.utter_message(text=f"Wat was de datum van {what}? Bijvoorbeeld: 3 november, 13-11 of gisteren.")
        return []


class ActionDeadlineAnswer(Action):
    """After the form: the last day, then the form's slots are cleared for next time."""

    def name(self) -> Text:
        return "action_deadline_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        rule = _rule(tracker)
        date = tracker.get_slot("deadline_date")
        if rule is not None and date:
            send(dispatcher, deadlines.deadline_answer(rule, dt.date.fromisoformat(str(date)), dt.date.today()))
        else:
            dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("deadline_decision", None), SlotSet("deadline_date", None)]
