"""The custom actions against a real SQLite database (no Rasa server needed)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionAnswer, ActionDefine, ActionSetMunicipality
from tests.helpers import make_tracker


def run(action: Any, tracker: Any) -> tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def payload(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    assert len(messages) == 1, messages
    return messages[0]["custom"]


def test_answers_veilig_thuis_with_sources(seeded_db: str) -> None:
    messages, _ = run(ActionAnswer(), make_tracker("Wat doet Veilig Thuis?"))
    data = payload(messages)
    assert data["kind"] == "answer" and data["article"] == "veilig-thuis"
    assert data["title"] and data["sources"] and data["sources"][0]["url"].startswith("https://")
    assert data["municipality"] is None
    assert "0800-2000" in messages[0]["text"]


@pytest.mark.parametrize(
    "question,slug",
    [
        ("wat is een ots", "ondertoezichtstelling"),
        ("ik wil een klacht indienen over de jeugdbeschermer", "klacht-indienen"),
        ("hoe vind ik een clientondersteuner", "clientondersteuner-vinden"),
        ("hoe gaat een raadsonderzoek eigenlijk", "raadsonderzoek"),
    ],
)
def test_answers_common_questions(seeded_db: str, question: str, slug: str) -> None:
    data = payload(run(ActionAnswer(), make_tracker(question))[0])
    assert (data["kind"], data.get("article")) == ("answer", slug)


@pytest.mark.parametrize(
    "municipality,question,slug",
    [
        ("Amersfoort", "ik woon in Amersfoort, wat kan het wijkteam voor ons doen?", "wijkteam"),
        ("Almere", "ik woon in almere, hoe vind ik een clientondersteuner", "clientondersteuner-vinden"),
    ],
)
def test_local_version_when_municipality_is_mentioned(
    seeded_db: str, municipality: str, question: str, slug: str
) -> None:
    messages, events = run(ActionAnswer(), make_tracker(question))
    data = payload(messages)
    assert data["article"] == slug
    assert data["municipality"] == municipality and data["local"] is True
    assert municipality in messages[0]["text"]
    assert {"event": "slot", "name": "municipality", "value": municipality, "timestamp": None} in events


def test_local_version_from_the_site_the_widget_is_on(seeded_db: str) -> None:
    tracker = make_tracker("wat kan het wijkteam voor ons doen", metadata={"municipality": "almere"})
    data = payload(run(ActionAnswer(), tracker)[0])
    assert data["municipality"] == "Almere" and data["local"] is True


def test_remembered_municipality_is_used(seeded_db: str) -> None:
    tracker = make_tracker("hoe vind ik een clientondersteuner", slots={"municipality": "Amersfoort"})
    data = payload(run(ActionAnswer(), tracker)[0])
    assert data["municipality"] == "Amersfoort" and data["local"] is True


def test_without_local_version_the_answer_says_where_to_look(seeded_db: str) -> None:
    messages, _ = run(ActionAnswer(), make_tracker("ik woon in Zwolle, wat doet het wijkteam"))
    data = payload(messages)
    assert data["article"] == "wijkteam" and data["local"] is False
    assert "Zwolle" in messages[0]["text"] and "website" in messages[0]["text"]


def test_question_far_from_every_topic_is_admitted(seeded_db: str) -> None:
    messages, _ = run(ActionAnswer(), make_tracker("wat voor weer wordt het morgen"))
    assert payload(messages)["kind"] == "unknown"
    assert messages[0]["text"].strip()


def test_question_between_topics_offers_a_choice() -> None:
    from knowledge import answers, retrieval
    from knowledge.retrieval import Hit

    low = (retrieval.CHOOSE_MIN + retrieval.TENTATIVE_MIN) / 2
    hits = [
        Hit("advocaat", "Heb ik een advocaat nodig?", low),
        Hit("juridisch-loket", "Waar krijg ik gratis juridisch advies?", low * 0.95),
    ]
    assert retrieval.decide(hits) == "choose"
    assert retrieval.decide([Hit("advocaat", "x", retrieval.CHOOSE_MIN * 0.9)]) == "unknown"
    answer = answers.choice_answer(hits)
    assert answer.payload["kind"] == "choice"
    assert [o["article"] for o in answer.payload["options"]] == ["advocaat", "juridisch-loket"]


def test_chosen_topic_button(seeded_db: str) -> None:
    tracker = make_tracker(
        '/ask_article{"article": "advocaat"}',
        intent="ask_article",
        entities=[{"entity": "article", "value": "advocaat"}],
    )
    data = payload(run(ActionAnswer(), tracker)[0])
    assert data["article"] == "advocaat"


def test_definition_from_glossary(seeded_db: str) -> None:
    messages, _ = run(ActionDefine(), make_tracker("wat betekent OTS?", intent="ask_definition"))
    data = payload(messages)
    assert data["kind"] == "definition" and "toezicht" in data["term"].lower()


def test_unknown_term_falls_back_to_search(seeded_db: str) -> None:
    messages, _ = run(
        ActionDefine(), make_tracker("wat betekent het als de raad onderzoek doet", intent="ask_definition")
    )
    assert payload(messages)["kind"] in ("answer", "choice")


def test_set_municipality(seeded_db: str) -> None:
    messages, events = run(ActionSetMunicipality(), make_tracker("ik woon in Amersfort", intent="inform_municipality"))
    assert payload(messages)["municipality"] == "Amersfoort"
    assert events[0]["value"] == "Amersfoort"


def test_long_message_is_answered_from_its_start(seeded_db: str) -> None:
    text = "Wat doet Veilig Thuis? " + "bla " * 3000
    messages, _ = run(ActionAnswer(), make_tracker(text, input_problem="too_long"))
    assert messages[0]["text"].startswith("Je bericht is erg lang")
    assert payload(messages)["article"] == "veilig-thuis"


def test_unsure_answer_says_so_and_offers_the_next_topics(seeded_db: str) -> None:
    from knowledge import answers
    from knowledge.db import session_scope
    from knowledge.retrieval import Hit

    hits = [
        Hit("advocaat", "Heb ik een advocaat nodig?", 0.3),
        Hit("juridisch-loket", "Waar krijg ik gratis juridisch advies?", 0.27),
        Hit("hoger-beroep", "Hoger beroep", 0.2),
    ]
    with session_scope() as session:
        answer = answers.tentative_answer(session, hits)
    assert answer.text.startswith("Ik weet niet zeker")
    assert answer.payload["kind"] == "answer" and answer.payload["article"] == "advocaat"
    assert answer.payload["confident"] is False
    assert [b["payload"] for b in answer.buttons] == [
        '/ask_article{"article": "juridisch-loket"}',
        '/ask_article{"article": "hoger-beroep"}',
    ]


def test_distress_with_a_question_still_answers_it(seeded_db: str) -> None:
    from actions.actions import ActionAnswerAfterDistress

    messages, _ = run(ActionAnswerAfterDistress(), make_tracker("ik ben echt radeloos. wat doet veilig thuis?"))
    data = payload(messages)
    assert data["kind"] == "answer" and data["article"] == "veilig-thuis"


def test_distress_without_a_question_offers_a_person(seeded_db: str) -> None:
    from actions.actions import ActionAnswerAfterDistress

    messages, _ = run(ActionAnswerAfterDistress(), make_tracker("ik ben helemaal op, ik huil alleen nog maar"))
    assert [m.get("response") for m in messages] == ["utter_offer_human"]
