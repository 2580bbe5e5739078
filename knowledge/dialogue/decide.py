"""The one function that decides what to answer: `respond()`.

Per message: a deadline with its date is worked out (knowledge/deadlines);
otherwise the question(s) are found (questions.py: at most two, or the one after
a story) and each is resolved against the conversation so far (resolve.py:
corrections, follow-ups, new questions). Two answers are given only when both
are sure and different; a story whose question names no topic is read whole.
After two turns in a row without an answer, a person and the helplines are offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import List, Optional, Tuple

from sqlalchemy.orm import Session

from knowledge import answers, deadlines
from knowledge.answers import Answer
from knowledge.dialogue.questions import is_question, parts, sentences
from knowledge.dialogue.resolve import Resolved, better, clear, is_statement, resolve, resolve_apart, with_section
from knowledge.dialogue.state import DialogueState
from knowledge.facets import extract
from knowledge.language import words
from knowledge.municipalities import text_without_place
from knowledge.retrieval import Hit, Index, Retriever, SearchResult

MISSES_BEFORE_HELP = 2
INTERROGATIVES = frozenset({"wat", "hoe", "wie", "waarom", "waar", "welke"})
NEXT_LABEL = "Wat gebeurt er daarna?"
ACKNOWLEDGE = "Wat vervelend dat je dit meemaakt. Ik help je graag verder."
OFFER_HELP = (
    "Het lukt me niet goed om je vraag te beantwoorden. Wil je met een medewerker praten? "
    "Zorgen over geweld of kindermishandeling? Bel Veilig Thuis: 0800-2000. "
    "Is er direct gevaar? Bel 112."
)


@dataclass
class Reply:
    """What to say (one answer per question, at most two) and the new state."""

    answers: List[Answer] = field(default_factory=list)
    state: DialogueState = field(default_factory=DialogueState)


def _answer_for(session: Session, resolved: Resolved, municipality: Optional[str]) -> Tuple[Answer, Optional[str]]:
    """The answer for one resolved question, and the slug it answered with (if any)."""
    result = resolved.result
    best = result.best
    if result.decision == "answer" and best is not None:
        answer = answers.article_answer(session, best.slug, municipality, resolved.section)
        if answer is not None:
            return replace(answer, buttons=answers.next_steps(session, answer, NEXT_LABEL)), best.slug
    if result.decision == "tentative" and best is not None:
        answer = answers.tentative_answer(session, result.hits, municipality, resolved.section)
        if answer is not None:
            return answer, best.slug
    if result.decision == "choose":
        return answers.choice_answer(result.hits), None
    return answers.unknown_answer(), None


def _next_state(state: DialogueState, resolved: Resolved, slug: Optional[str], question: str) -> DialogueState:
    if slug is None:
        return replace(state, misses=state.misses + 1)
    facets = extract(resolved.question)
    named = extract(question)
    return DialogueState(
        article=slug,
        section=resolved.section,
        organisation=facets.first("organisation"),
        measure=facets.first("measure"),
        right=facets.first("right"),
        age=named.age if named.age is not None else state.age,
        question=resolved.question,
        misses=0,
    )


def respond(
    session: Session,
    retriever: Retriever,
    text: str,
    state: Optional[DialogueState] = None,
    municipality: Optional[str] = None,
    chosen: Optional[str] = None,
    chosen_section: Optional[str] = None,
    acknowledge: bool = True,
    today: Optional[dt.date] = None,
) -> Reply:
    """What to say to TEXT given the conversation so far.

    CHOSEN is an article the parent picked with a button (then TEXT is not
    searched), CHOSEN_SECTION the aspect of that button. ACKNOWLEDGE: say one
    short sentence about the feelings a parent shows (off when a safety reply
    already did).
    """
    state = state or DialogueState()
    index = retriever.index(session)
    if chosen:
        section = with_section(session, chosen, chosen_section)[1]
        resolved = Resolved(SearchResult("answer", (Hit(chosen, "", 1.0),)), section, state.question or "", False)
        answer, slug = _answer_for(session, resolved, municipality)
        question = state.question if slug == state.article else answers_title(session, chosen)
        resolved = replace(resolved, question=question or "")
        return Reply([answer], _next_state(state, resolved, slug, ""))

    deadline = _deadline(session, text, today or dt.date.today(), municipality)
    if deadline is not None and _asks_besides_deadline(text, today or dt.date.today()):
        # "kreeg vandaag een schriftelijke aanwijzing, wat is dat?": answer the
        # question, then work out the last day.
        reply = _answer_questions(session, index, text, state, municipality, acknowledge)
        reply.answers.append(deadline)
        return reply
    if deadline is not None:
        # The topic becomes the decision's article ("en wat kost dat?" follows on it).
        slug = deadline.payload.get("article")
        section = deadline.payload.get("section") or state.section
        topic = DialogueState(article=slug, section=section, question=text, age=state.age) if slug else state
        return Reply([deadline], replace(topic, misses=0))
    return _answer_questions(session, index, text, state, municipality, acknowledge)


def _answer_questions(
    session: Session, index: Index, text: str, state: DialogueState, municipality: Optional[str], acknowledge: bool
) -> Reply:
    """The question(s) in TEXT, each resolved against the conversation so far."""
    found = parts(text)
    reply = Reply(state=state)
    results: List[Tuple[Resolved, Answer, Optional[str], str]] = []
    context = state
    for question in found.questions:
        # The second question is read against the first ("kan ik in beroep en wat kost dat?").
        statement = is_statement(question)
        question = text_without_place(question)
        resolved = resolve(index, session, question, context, statement)
        if results and _repeats(results[0], resolved):
            # Read against the first question, the second found the same answer
            # ("wat is gezagsbeëindiging en mag ik mijn kind dan nog zien?"):
            # on its own it may name another topic.
            resolved = resolve_apart(index, session, question, str(results[0][2])) or resolved
        answer, slug = _answer_for(session, resolved, municipality)
        results.append((resolved, answer, slug, question))
        context = _next_state(context, resolved, slug, question)
    whole = text_without_place(text)
    if len(results) == 2 and not _two_answers(results[0], results[1], found.separate):
        results = [_whole(index, session, whole, state, municipality, is_statement(text))]
    elif found.story and len(results) == 1 and results[0][0].result.decision != "answer":
        # The question after a story names no topic ("wat kan ik doen?"): the
        # story itself says what it is about.
        story = _whole(index, session, whole, state, municipality)
        if better(story[0].result, results[0][0].result):
            results = [story]
    for resolved, answer, slug, question in results:
        reply.answers.append(answer)
        reply.state = _next_state(reply.state, resolved, slug, question)
    if len(results) == 2 and results[0][2] and results[0][2] != reply.state.article:
        reply.state = replace(reply.state, earlier=results[0][2])
    if acknowledge and found.emotional and reply.answers:
        first = reply.answers[0]
        reply.answers[0] = replace(first, text=f"{ACKNOWLEDGE}\n\n{first.text}")
    if reply.state.misses >= MISSES_BEFORE_HELP:
        reply.answers.append(help_offer())
    return reply


def _whole(
    index: Index,
    session: Session,
    text: str,
    state: DialogueState,
    municipality: Optional[str],
    statement: bool = False,
) -> Tuple[Resolved, Answer, Optional[str], str]:
    """The whole message read as one question."""
    resolved = resolve(index, session, text, state, statement)
    answer, slug = _answer_for(session, resolved, municipality)
    return resolved, answer, slug, text


def _repeats(first: Tuple[Resolved, Answer, Optional[str], str], second: Resolved) -> bool:
    """The second question's answer is the first one again (no other section)."""
    best = second.result.best
    return bool(first[2] and best and best.slug == first[2] and second.section in (None, first[0].section))


def _two_answers(
    first: Tuple[Resolved, Answer, Optional[str], str],
    second: Tuple[Resolved, Answer, Optional[str], str],
    separate: bool,
) -> bool:
    """Answer two questions apart when both found an article and they are not the
    same answer (the same article with another section is another answer); else
    read the message as one question. Both must be clear, unless the parent
    asked two separate question sentences: then one of them may be unsure."""
    (r1, _a1, s1, _q1), (r2, _a2, s2, _q2) = first, second
    if not (s1 and s2) or _repeats(first, r2):
        return False
    both = (clear(r1.result), clear(r2.result))
    return any(both) if separate else all(both)


def _asks_besides_deadline(text: str, today: dt.date) -> bool:
    """A worked-out deadline, but the parent asked something else ("wat is dat?")."""
    request = deadlines.read_request(text, today)
    if not request.wants_calculation or request.asks:
        return False
    clauses = [c for s in sentences(text) for c in s.split(",")]
    return any(is_question(c) for c in clauses) or any(t in INTERROGATIVES for t in words(text))


def _deadline(session: Session, text: str, today: dt.date, municipality: Optional[str]) -> Optional[Answer]:
    """The deadline helper, when the message asks it: a decision with its date
    works out the last day; a date alone asks which decision; "tot wanneer kan ik
    in hoger beroep?" gets the deadline section and a button to work it out."""
    request = deadlines.read_request(text, today)
    if request.wants_calculation and request.date is not None:
        if request.rule is None:
            return deadlines.which_decision(request.date)
        return deadlines.deadline_answer(request.rule, request.date, today)
    if request.rule is not None and request.asks and request.rule.article:
        answer = answers.article_answer(session, request.rule.article, municipality, "termijn")
        if answer is not None:
            return replace(answer, buttons=[deadlines.deadline_button(request.rule)])
    return None


def decision(reply: Reply) -> str:
    """The reply in one word: answer | tentative | choose | deadline | unknown."""
    first = reply.answers[0].payload if reply.answers else {"kind": "unknown"}
    if first.get("kind") == "answer":
        return "answer" if first.get("confident") else "tentative"
    return {"choice": "choose", "deadline": "deadline", "deadline_question": "deadline"}.get(
        str(first.get("kind")), "unknown"
    )


def answers_title(session: Session, slug: str) -> Optional[str]:
    article = answers.published_article(session, slug)
    return article.title if article is not None else None


def help_offer() -> Answer:
    return Answer(
        text=OFFER_HELP,
        payload={"kind": "offer_help"},
        buttons=[
            {"title": "Ja, ik wil met iemand praten", "payload": "/ask_human"},
            {"title": "Nee, ik probeer het opnieuw", "payload": "/deny"},
        ],
    )
