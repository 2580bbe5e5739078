"""The custom actions Rasa calls. Each one reads the tracker, asks knowledge/ and
sends what it got back; no domain logic lives here."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import municipality, send, user_text, was_too_long
from knowledge import answers, glossary
from knowledge.db import session_scope
from knowledge.dialogue import DialogueState, respond
from knowledge.retrieval import Retriever

RETRIEVER = Retriever()
TOO_LONG_NOTE = "Je bericht is erg lang. Ik heb het begin gelezen.\n\n"


def answer_question(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    chosen: Optional[str] = None,
    section: Optional[str] = None,
    confident_only: bool = False,
) -> List[Dict[Text, Any]]:
    """Answer from the knowledge base with the conversation's topic in mind.

    With CONFIDENT_ONLY (after the distress reply, which already acknowledged
    the feelings) nothing is sent unless the answer is sure; it returns [] then,
    so the caller can offer a person.
    """
    place, events = municipality(tracker)
    prefix = TOO_LONG_NOTE if was_too_long(tracker) else ""
    state = DialogueState.from_slots(tracker.get_slot)
    with session_scope() as session:
        reply = respond(
            session, RETRIEVER, user_text(tracker), state, place, chosen, section, acknowledge=not confident_only
        )
    sure = any(a.payload.get("kind") == "answer" and a.payload.get("confident") for a in reply.answers)
    if confident_only and not sure:
        return []
    for i, answer in enumerate(reply.answers):
        send(dispatcher, answer, prefix if i == 0 else "")
    # Only the slots that change: every event stays in the tracker, which Rasa reads,
    # writes and sends here again on every message (docs/performance.md).
    changed = {name: value for name, value in reply.state.to_slots().items() if tracker.get_slot(name) != value}
    return events + [SlotSet(name, value) for name, value in changed.items()]


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        chosen = section = None
        if tracker.latest_message.get("intent", {}).get("name") == "ask_article":
            chosen = next(tracker.get_latest_entity_values("article"), None)
            section = next(tracker.get_latest_entity_values("section"), None)
        done = [SlotSet("article", None)] if tracker.get_slot("article") is not None else []
        return answer_question(dispatcher, tracker, chosen, section) + done


class ActionDefine(Action):
    def name(self) -> Text:
        return "action_define"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        with session_scope() as session:
            definition = glossary.lookup(session, user_text(tracker))
            if definition:
                send(dispatcher, answers.definition_answer(definition))
                return []
        return answer_question(dispatcher, tracker)


class ActionAnswerAfterDistress(Action):
    """After the distress reply: answer the question in the message when there
    clearly is one ("ik ben radeloos, wat doet de Raad?"), else offer a person."""

    def name(self) -> Text:
        return "action_answer_after_distress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        events = answer_question(dispatcher, tracker, confident_only=True)
        if not events:
            dispatcher.utter_message(response="utter_offer_human")
        return events


class ActionSetMunicipality(Action):
    def name(self) -> Text:
        return "action_set_municipality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        place, events = municipality(tracker)
        if place:
            dispatcher.utter_message(
                text=(
                    f"Dank je. Ik onthoud dat je in {place} woont. Waar ik informatie "
                    f"over {place} heb, krijg je die. Wat wil je weten?"
                ),
                json_message={"kind": "municipality", "municipality": place},
            )
        else:
            dispatcher.utter_message(
                text=(
                    "Ik herken die gemeente niet. Wil je de naam van je gemeente nog een "
                    "keer typen? Bijvoorbeeld: 'ik woon in Almere'."
                ),
                json_message={"kind": "municipality", "municipality": None},
            )
        return events
