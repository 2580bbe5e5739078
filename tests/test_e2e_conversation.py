"""Conversations through the running stack (trained model, action server, slots):
follow-ups, two questions, the deadline form. Custom actions matter here."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Dict, List

import pytest

from knowledge.deadlines import last_day, load_rules
from scripts import services
from tests.helpers import say, texts

pytestmark = pytest.mark.e2e


def payloads(reply: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [m["custom"] for m in reply if "custom" in m]


def answers(reply: List[Dict[str, Any]]) -> List[Any]:
    return [(p.get("article"), p.get("section")) for p in payloads(reply) if p.get("kind") == "answer"]


def test_follow_ups_are_read_against_the_topic(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    assert answers(say("Wat is een schriftelijke aanwijzing?", sender))[0][0] == "schriftelijke-aanwijzing"
    assert answers(say("welke termijn geldt daarvoor?", sender)) == [("schriftelijke-aanwijzing", "termijn")]
    assert answers(say("kan ik daar iets tegen doen?", sender)) == [("schriftelijke-aanwijzing", "wat-kan-ik-doen")]
    # A new topic, then a swap of the organisation that keeps the question.
    assert answers(say("Mag ik het rapport van Veilig Thuis lezen?", sender))[0][0] == "dossier-inzien"
    assert answers(say("en dat van de GI?", sender))[0][0] == "dossier-inzien"


def test_two_questions_get_two_answers(stack: services.Services) -> None:
    reply = say("Wat is een spoedmaatregel en wie betaalt mijn advocaat?")
    assert [a for a, _ in answers(reply)] == ["spoedmaatregel", "advocaat"]


def test_a_next_step_button_answers_its_section(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    first = say("Hoe gaat een onderzoek van de Raad?", sender)
    button = next(b for m in first for b in m.get("buttons", []) if b["title"] == "Wat gebeurt er daarna?")
    assert answers(say(button["payload"], sender)) == [("raadsonderzoek", "daarna")]


def test_the_deadline_helper_in_one_message(stack: services.Services) -> None:
    reply = say("ik kreeg de beschikking op 3 november, tot wanneer kan ik in hoger beroep?")
    deadline = next(p for p in payloads(reply) if p.get("kind") == "deadline")
    today = dt.date.today()
    given = dt.date(today.year, 11, 3) if dt.date(today.year, 11, 3) <= today else dt.date(today.year - 1, 11, 3)
    expected, _moved = last_day(load_rules().decisions["hoger-beroep"], given)
    assert deadline["last_day"] == expected.isoformat()
    assert "Laat een advocaat of het Juridisch Loket meekijken" in texts(reply)


def test_the_deadline_form_asks_what_is_missing(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    ask = say("kun je de termijn voor me uitrekenen", sender)
    assert "Over welke beslissing" in texts(ask)
    button = next(b for m in ask for b in m.get("buttons", []) if "aanwijzing" in b["payload"])
    date_question = say(button["payload"], sender)
    assert "datum" in texts(date_question)
    unclear = say("weet ik niet precies", sender)
    assert "geen datum" in texts(unclear)
    done = say("gisteren", sender)
    deadline = next(p for p in payloads(done) if p.get("kind") == "deadline")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    expected, _moved = last_day(load_rules().decisions["schriftelijke-aanwijzing"], yesterday)
    assert deadline["decision"] == "schriftelijke-aanwijzing" and deadline["last_day"] == expected.isoformat()
    # The form is done: the next question is answered normally.
    assert answers(say("Wat doet de Raad?", sender))[0][0] == "raad-voor-de-kinderbescherming"


def test_the_deadline_form_can_be_stopped(stack: services.Services) -> None:
    sender = uuid.uuid4().hex
    say("kun je de termijn voor me uitrekenen", sender)
    stopped = say("stop", sender)
    assert "Waar kan ik je nog meer mee helpen" in texts(stopped)
    assert answers(say("Wat doet Veilig Thuis?", sender))[0][0] == "veilig-thuis"
