"""Insights: questions that are nearly the same are one group (rapidfuzz), so an
editor sees "these 7 questions are one missing topic", with one click to an
article that has all of them as example questions."""

from __future__ import annotations

from typing import Dict, List
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from knowledge import insights
from knowledge.db import session_scope
from knowledge.question_groups import alike, group, key
from tests.staff_accounts import logged_in

VISITS = [  # one missing topic, typed seven ways (one typo, one twice with capitals)
    "mag ik mijn kind zien in het pleeggezin",
    "Mag ik mijn kind zien in het pleeggezin?",
    "mag ik mijn kind bezoeken in het pleeggezin",
    "hoe vaak mag ik mijn kind zien in het pleeggezin",
    "kan ik mijn dochter zien bij het pleeggezin",
    "mag ik mijn kinderen zien als ze in een pleeggezin wonen",
    "mag ik mijn kind zien in het pleeggzin",
]
OTHERS = [
    "wat kost een advocaat",
    "hoeveel kost een advocaat voor de kinderrechter",
    "wat kost de raad voor de kinderbescherming",
    "wie betaalt de kinderbijslag als mijn zoon in een pleeggezin woont",
    "waar kan ik parkeren bij de rechtbank",
    "parkeren rechtbank",
]


def groups_of(questions: List[str]) -> List[List[str]]:
    counts: Dict[str, int] = {}
    for q in questions:
        counts[q] = counts.get(q, 0) + 1
    return [sorted(g.questions) for g in group(counts)]


def test_seven_ways_of_asking_one_thing_are_one_group() -> None:
    found = group({q: 1 for q in VISITS + OTHERS})
    first = found[0]
    assert first.count == 7 and sorted(first.questions) == sorted(VISITS)
    assert len(first.variants) == 6  # the two that differ only in capitals and "?" are one variant
    assert first.variants[0][1] == 2 and first.question in VISITS[:2]


def test_questions_about_something_else_stay_apart() -> None:
    found = groups_of(VISITS + OTHERS)
    assert ["hoeveel kost een advocaat voor de kinderrechter", "wat kost een advocaat"] in found
    assert ["parkeren rechtbank", "waar kan ik parkeren bij de rechtbank"] in found
    assert ["wat kost de raad voor de kinderbescherming"] in found  # "kost" alone is no topic
    assert ["wie betaalt de kinderbijslag als mijn zoon in een pleeggezin woont"] in found  # "pleeggezin" alone neither
    assert not alike(key("wat kost een advocaat"), key("wat kost de raad voor de kinderbescherming"))
    assert alike(key("klacht over de gezinsvoogd"), key("hoe dien ik een klacht in over mijn gezinsvoogd"))


def test_grouping_does_not_depend_on_the_order_questions_came_in() -> None:
    forward = groups_of(VISITS + OTHERS)
    backward = groups_of(list(reversed(VISITS + OTHERS)))
    assert sorted(forward) == sorted(backward)


def test_the_insights_page_shows_the_group_with_one_click_to_a_new_article(client: TestClient) -> None:
    with session_scope() as session:
        for question in VISITS:
            insights.record(session, question, "unknown", None, "Almere")
        for question in OTHERS:
            insights.record(session, question, "choose", "advocaat", None)
        topics = insights.summary(session)
    largest = insights.largest_groups(topics)
    assert largest[0]["count"] == 7 and largest[0]["topic"] is None
    assert sum(t["total"] for t in topics) == len(VISITS + OTHERS)

    logged_in(client, "red-almere")
    page = client.get("/inzichten")
    assert page.status_code == 200 and "Onderwerpen die het vaakst ontbreken" in page.text
    assert "6 verschillende vragen" in page.text
    body = client.get("/api/v1/insights").json()
    top = body["largest"][0]
    asked = parse_qs(urlsplit(top["new_link"]).query)["nieuw"]
    assert len(asked) == 6 and set(asked) <= set(VISITS)
    lawyer = next(q for q in body["largest"] if "advocaat" in q["question"])
    link = parse_qs(urlsplit(lawyer["add_link"]).query)
    assert link["artikel"] == ["advocaat"] and len(link["vraag"]) == 2
