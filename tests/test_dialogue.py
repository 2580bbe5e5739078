"""The conversation: follow-ups, the aspect asked, two questions, a story, a
correction, knowing when it does not know. Through knowledge.dialogue.respond(),
the one function the action, the API and the reference tool call."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

import pytest
import yaml

from knowledge.db import session_scope
from knowledge.dialogue import DialogueState, Reply, respond
from knowledge.dialogue.evaluation import evaluate_conversations
from knowledge.dialogue.questions import parts
from knowledge.facets import extract
from knowledge.retrieval import Retriever

RETRIEVER = Retriever()
DATA = Path(__file__).parent / "data"


class Chat:
    """A conversation through respond(), keeping the state between turns."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.state = DialogueState()

    def say(self, text: str, **kwargs: object) -> Reply:
        with session_scope(self.url) as session:
            reply = respond(session, RETRIEVER, text, self.state, **kwargs)  # type: ignore[arg-type]
        self.state = reply.state
        return reply


def answered(reply: Reply) -> List[Tuple[Optional[str], Optional[str]]]:
    found = [a.payload for a in reply.answers if a.payload["kind"] == "answer"]
    return [(p.get("article"), p.get("section")) for p in found]


@pytest.fixture
def chat(content_db: str) -> Iterator[Chat]:
    yield Chat(content_db)


def test_an_aspect_follow_up_is_answered_with_that_section(chat: Chat) -> None:
    assert answered(chat.say("Wat is een schriftelijke aanwijzing?")) == [("schriftelijke-aanwijzing", None)]
    reply = chat.say("welke termijn geldt daarvoor?")
    assert answered(reply) == [("schriftelijke-aanwijzing", "termijn")]
    assert "2 weken" in reply.answers[0].text
    assert chat.state.article == "schriftelijke-aanwijzing" and chat.state.section == "termijn"


def test_who_decides_after_an_ots(chat: Chat) -> None:
    chat.say("Wat is een OTS?")
    assert answered(chat.say("wie beslist dat?")) == [("ondertoezichtstelling", "wie-beslist")]


def test_swapping_the_organisation_keeps_the_question(chat: Chat) -> None:
    assert answered(chat.say("Mag ik het rapport van Veilig Thuis lezen?"))[0][0] == "dossier-inzien"
    assert answered(chat.say("en dat van de GI?"))[0][0] == "dossier-inzien"
    assert chat.state.organisation == "gi"


def test_a_new_age_keeps_the_topic(chat: Chat) -> None:
    first = answered(chat.say("Mag mijn kind van 12 mee naar de zitting?"))[0][0]
    assert first in ("kind-horen", "zitting-voorbereiden") and chat.state.age == 12
    assert answered(chat.say("en als ze 10 is?"))[0][0] == first
    assert chat.state.age == 10


def test_a_message_with_its_own_topic_starts_a_new_one(chat: Chat) -> None:
    chat.say("Wat doet de Raad?")
    assert answered(chat.say("hoe vraag ik mijn dossier op bij veilig thuis"))[0][0] == "dossier-inzien"


def test_a_correction_leaves_the_last_answer(chat: Chat) -> None:
    chat.say("wat is een uithuisplaatsing")
    reply = chat.say("nee ik bedoel wie betaalt de advocaat")
    assert answered(reply)[0][0] == "advocaat"


def test_two_questions_in_one_message_are_both_answered(chat: Chat) -> None:
    reply = chat.say("Wat is een spoedmaatregel en wie betaalt mijn advocaat?")
    assert [slug for slug, _ in answered(reply)] == ["spoedmaatregel", "advocaat"]


def test_a_story_then_a_question(chat: Chat) -> None:
    reply = chat.say(
        "De school maakte zich zorgen over mijn zoon. Ze hebben Veilig Thuis gebeld. Veilig Thuis heeft het "
        "doorgegeven aan het wijkteam. Ik ben echt bang en boos. Moet ik meewerken met het wijkteam?"
    )
    assert answered(reply)[0][0] in ("wijkteam", "vrijwillig-en-verplicht", "meewerken-onderzoek")
    # The feeling is acknowledged in one short sentence before the answer.
    assert reply.answers[0].text.startswith("Wat vervelend dat je dit meemaakt.")


def test_a_first_question_about_an_aspect_uses_the_section(chat: Chat) -> None:
    reply = chat.say("Hoeveel tijd heb ik voor een hoger beroep?")
    assert answered(reply) == [("hoger-beroep", "termijn")]
    assert any("Reken" in b["title"] for b in reply.answers[0].buttons)


def test_the_raad_is_answered_without_doubt(chat: Chat) -> None:
    reply = chat.say("Wat doet de Raad?")
    assert reply.answers[0].payload["article"] == "raad-voor-de-kinderbescherming"
    assert reply.answers[0].payload["confident"] is True


def test_next_steps_are_offered_as_buttons(chat: Chat) -> None:
    reply = chat.say("Hoe gaat een onderzoek van de Raad?")
    titles = [b["title"] for b in reply.answers[0].buttons]
    assert 2 <= len(titles) <= 3 and "Wat gebeurt er daarna?" in titles


def test_after_two_misses_a_person_is_offered(chat: Chat) -> None:
    chat.say("paarse olifanten dansen op de maan")  # "blauwe" is in example questions (a bruise)
    reply = chat.say("xyzzy plugh kwartelkoning")
    kinds = [a.payload["kind"] for a in reply.answers]
    assert kinds[-1] == "offer_help" and any(b["payload"] == "/ask_human" for b in reply.answers[-1].buttons)
    assert "112" in reply.answers[-1].text


def test_a_button_chooses_the_article_and_its_section(chat: Chat) -> None:
    reply = chat.say("", chosen="raadsonderzoek", chosen_section="daarna")
    assert answered(reply) == [("raadsonderzoek", "daarna")]


def test_the_deadline_helper_answers_from_one_message(chat: Chat) -> None:
    today = dt.date(2026, 12, 3)
    reply = chat.say("ik kreeg de beschikking op 3 november, tot wanneer kan ik in hoger beroep?", today=today)
    payload = reply.answers[0].payload
    assert payload["kind"] == "deadline" and payload["last_day"] == "2027-02-03"
    assert "Juridisch Loket" in reply.answers[0].text


def test_a_date_without_a_decision_asks_which_one(chat: Chat) -> None:
    reply = chat.say("wat is de laatste dag, ik kreeg het op 13-11", today=dt.date(2026, 12, 3))
    assert reply.answers[0].payload["kind"] == "deadline_question"
    assert all('"deadline_date": "2026-11-13"' in b["payload"] for b in reply.answers[0].buttons)


def test_facets_know_abbreviations_and_misspellings() -> None:
    facets = extract("mijn gezinsvoogt van de g.i. zegt dat de uhp verlengd wordt door de kinderechter")
    assert facets.of("organisation") == ["gi", "kinderrechter"] and facets.of("measure") == ["uithuisplaatsing"]
    assert extract("en bij de rvdk?").of("organisation") == ["raad"]
    assert extract("wat kost een advokaat").of("right") == ["advocaat"] and extract("wat kost het").aspect == "kosten"


def test_questions_are_found_in_a_message() -> None:
    assert parts("Wat is een OTS en hoe lang duurt die?").questions == ("Wat is een OTS", "hoe lang duurt die")
    assert len(parts("wat doet de raad").questions) == 1


def test_state_survives_the_slots_and_odd_values() -> None:
    state = DialogueState(article="advocaat", section="kosten", age=12, question="x" * 1000, misses=1)
    slots = state.to_slots()
    assert len(slots["topic_question"]) == 300
    back = DialogueState.from_slots(slots.get)
    assert back.article == "advocaat" and back.age == 12 and back.misses == 1
    assert DialogueState.from_slots({"topic_age": "twaalf", "topic_misses": None}.get).age is None


def test_development_conversations(content_db: str) -> None:
    """Floors on our own development set (the held-out figures are in docs/nlu-report.md)."""
    data = yaml.safe_load((DATA / "conversations_dev.yaml").read_text(encoding="utf-8"))
    score = evaluate_conversations(lambda: session_scope(content_db), RETRIEVER, data["conversations"])
    right, total = score.conversations()
    assert right >= 0.75 * total, "\n".join(score.lines())


def test_the_deadline_question_becomes_the_topic(chat: Chat) -> None:
    chat.say("Hoeveel tijd heb ik voor een hoger beroep?")
    assert answered(chat.say("en wat kost dat")) == [("hoger-beroep", "kosten")]


def test_the_second_question_is_read_against_the_first(chat: Chat) -> None:
    reply = chat.say("kan ik in hoger beroep en wat kost dat")
    assert answered(reply) == [("hoger-beroep", None), ("hoger-beroep", "kosten")]


def test_two_question_sentences_are_both_answered(chat: Chat) -> None:
    reply = chat.say("mag ik mijn dossier inzien? en kan ik een klacht indienen over de raad?")
    assert [slug for slug, _ in answered(reply)] == ["dossier-inzien", "klacht-indienen"]


def test_a_question_with_or_is_one_part_of_two() -> None:
    found = parts("wat doet het wijkteam en is dat vrijwillig of moet ik meewerken")
    assert found.questions == ("wat doet het wijkteam", "is dat vrijwillig of moet ik meewerken")


def test_a_story_question_is_read_with_the_sentences_that_name_the_topic() -> None:
    story = (
        "Sinds drie maanden woont mijn dochter in een pleeggezin. Eerst zag ik haar elke week. "
        "Nu is het minder geworden. Ik vind dat niet eerlijk. Wat kan ik doen?"
    )
    assert "pleeggezin" in parts(story).questions[0]


def test_and_a_new_organisation_the_last_question_did_not_name_is_its_own_question(chat: Chat) -> None:
    chat.say("wat doet een vertrouwenspersoon")
    assert (
        answered(chat.say("en een clientondersteuner, is dat hetzelfde?"))[0][0] == "onafhankelijke-clientondersteuner"
    )


def test_a_correction_swaps_the_organisation_into_the_last_question(chat: Chat) -> None:
    chat.say("hoe vind ik het wijkteam")
    reply = chat.say("nee ik bedoel een clientondersteuner, het wijkteam ken ik al")
    assert answered(reply)[0][0] == "clientondersteuner-vinden"


def test_where_to_find_one_is_answered_by_the_article_with_the_addresses(chat: Chat) -> None:
    chat.say("wat doet een onafhankelijke clientondersteuner")
    assert answered(chat.say("hoe kom ik aan zo iemand"))[0][0] == "clientondersteuner-vinden"


def test_who_decided_with_an_organisation_named_asks_about_the_last_measure(chat: Chat) -> None:
    chat.say("mijn zoon is uit huis geplaatst, hoe zit dat juridisch")
    assert answered(chat.say("wie heeft dat dan besloten, de gezinsvoogd?")) == [("uithuisplaatsing", "wie-beslist")]


def test_a_longer_follow_up_that_goes_on_with_en_keeps_the_topic(chat: Chat) -> None:
    chat.say("mijn kind woont in een pleeggezin, hoe vaak mag ik haar zien")
    assert answered(chat.say("en als ze bij mijn moeder woont, dus bij oma")) == [("contact-met-kind", None)]


def test_a_decision_with_its_date_and_another_question_gets_both(chat: Chat) -> None:
    reply = chat.say(
        "kreeg 3 november een brief van de gi met een schriftelijke aanwijzing erin, wat is dat",
        today=dt.date(2026, 11, 5),
    )
    kinds = [a.payload["kind"] for a in reply.answers]
    assert kinds == ["answer", "deadline"]
    assert reply.answers[0].payload["article"] == "schriftelijke-aanwijzing"


def test_a_swap_replaces_every_mention_of_the_old_organisation(chat: Chat) -> None:
    chat.say("wat doet de raad v d kinderbescherming eigenlijk")
    assert answered(chat.say("en het wijkteam?"))[0][0] == "wijkteam"


def test_a_longer_question_about_an_aspect_without_a_topic_is_a_follow_up(chat: Chat) -> None:
    chat.say("wat gebeurt er nu met de melding bij veilig thuis")
    reply = chat.say("hoe lang duurt het ongeveer voor ik iets van ze hoor")
    assert answered(reply) == [("veilig-thuis-melding", "duur")]


def test_two_clear_questions_without_chain_words_are_both_answered(chat: Chat) -> None:
    reply = chat.say("wat doet een vertrouwenspersoon en wat is ihv13w")
    assert [a for a, _ in answered(reply)] == ["vertrouwenspersoon", "ihv13w"]


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999", "twaalf", None])
def test_a_broken_number_slot_is_dropped(value: object) -> None:
    state = DialogueState.from_slots({"topic_age": value, "topic_misses": value}.get)
    assert state.age is None and state.misses == 0


def test_a_detail_after_a_question_keeps_the_topic(chat: Chat) -> None:
    chat.say("Mijn dochter wordt in april 18, wat verandert er dan?")
    # On its own this statement is about foster care; after the question it is a detail.
    assert answered(chat.say("ze woont nu in een pleeggezin"))[0][0] == "achttien-worden"


def test_another_question_opening_is_never_a_follow_up(chat: Chat) -> None:
    chat.say("de gemeente zegt dat we met ihv13w moeten beginnen, wat is dat")
    got = answered(chat.say("ok. andere vraag, wie beslist over de school als mijn dochter uit huis is"))
    assert got and got[0][0] != "ihv13w"


def test_an_aspect_fragment_stays_with_its_question(content_db: str) -> None:
    from knowledge.dialogue.questions import split_two

    assert split_two("welk veilig thuis is er voor ons en welk nummer") == [
        "welk veilig thuis is er voor ons en welk nummer"
    ]
    assert len(split_two("wat is een ots en wie betaalt mijn advocaat")) == 2


def test_two_answers_never_repeat_one_article(chat: Chat) -> None:
    got = answered(chat.say("wie beslist over medicijnen voor mijn zoon tijdens de ots en mag ik met hem naar spanje"))
    slugs = [slug for slug, _ in got]
    assert len(slugs) == len(set(slugs))


def test_an_aspect_after_two_answers_may_be_about_the_first(chat: Chat) -> None:
    first = answered(chat.say("hoe dien ik een klacht in over de gi en kan iemand van jeugdstem me daarbij helpen"))
    assert [slug for slug, _ in first][:1] == ["klacht-indienen"] and chat.state.earlier in (None, "klacht-indienen")
    assert answered(chat.say("hoeveel tijd heb ik daarvoor"))[0][0] == "klacht-indienen"
