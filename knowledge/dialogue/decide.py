"""The one function that decides what to answer: `respond()`.

Per question in the message (at most two; the one after a story), in order:
1. "nee, ik bedoel ..." corrects the last answer: search the rest, not that article.
2. A follow-up is read against the last topic (the state):
   - "en dat van de GI?" swaps the organisation (or measure, or right) in the
     last question and keeps what was asked;
   - "en als ze 10 is?" keeps the topic with a new age;
   - "hoe lang duurt dat?" / "wie beslist dat?" asks an aspect of the last topic,
     answered with that article's section;
   - other short messages without a topic of their own ("kan dat ook later?")
     are searched together with the last question.
3. Otherwise the message is a new question. An aspect it asks ("hoeveel tijd heb
   ik voor een hoger beroep?") is answered with the article's section.
After two turns in a row without an answer, a person and the helplines are offered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import List, Optional, Sequence, Tuple

from sqlalchemy.orm import Session

from knowledge import answers, deadlines
from knowledge.answers import Answer
from knowledge.dialogue.questions import parts
from knowledge.dialogue.rerank import rerank
from knowledge.dialogue.state import DialogueState
from knowledge.facets import FACET_KINDS, Facets, extract
from knowledge.language import words
from knowledge.municipalities import text_without_place
from knowledge.retrieval import Hit, Index, Retriever, SearchResult, decide

FOLLOWUP_MAX_WORDS = 9  # a follow-up is short; a longer message is its own question
SWAP_STARTS = frozenset({"en", "ook", "geldt", "bij", "voor", "of"})
SWAP_MAX_WORDS = 6  # "en dat van de GI?"; a longer "en ..." is a question of its own
ANSWERED = ("answer", "tentative")
MISSES_BEFORE_HELP = 2
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


@dataclass(frozen=True)
class _Resolved:
    result: SearchResult
    section: Optional[str]
    question: str  # the question as understood (with the topic filled in)
    followup: bool


def _search(index: Index, query: str, exclude: Sequence[str] = ()) -> SearchResult:
    hits = [h for h in index.score_all(query) if h.slug not in exclude]
    hits = rerank(index, hits, extract(query), len(words(query)))[:4]
    return SearchResult(decide(hits, index.in_domain(query)), tuple(hits[:3]))


def _swapped(previous: str, facets: Facets) -> str:
    """The previous question with the named organisation/measure/right swapped in."""
    old = extract(previous)
    tokens = words(previous)
    for mention in facets.mentions:
        if mention.value.kind not in FACET_KINDS:
            continue
        same = [m for m in old.mentions if m.value.kind == mention.value.kind]
        if same:
            first = same[0]
            tokens = tokens[: first.start] + mention.surface.split() + tokens[first.end :]
            old = extract(" ".join(tokens))
        else:
            tokens = tokens + mention.surface.split()
    return " ".join(tokens)


def _with_section(session: Session, slug: str, aspect: Optional[str]) -> Optional[str]:
    if not aspect:
        return None
    article = answers.published_article(session, slug)
    return aspect if article is not None and aspect in (article.sections or {}) else None


def _resolve(index: Index, session: Session, question: str, state: DialogueState) -> _Resolved:
    facets = extract(question)
    n_words = len(words(question))
    if facets.correction and state.article:
        rest = facets.correction
        result = _search(index, rest, exclude=[state.article])
        best = result.best.slug if result.best else None
        return _Resolved(result, _with_section(session, best, extract(rest).aspect) if best else None, rest, False)

    own = _search(index, question)
    context = state.article is not None and state.question is not None and n_words <= FOLLOWUP_MAX_WORDS
    topical = bool(facets.topical)
    first = (words(question) or [""])[0]
    if context and state.article and state.question:
        same = SearchResult("answer", (Hit(state.article, "", 1.0),))
        if topical and first in SWAP_STARTS and n_words <= SWAP_MAX_WORDS:
            query = _swapped(state.question, facets)
            result = _search(index, query)
            if result.decision in ANSWERED and result.best:
                aspect = facets.aspect or state.section
                return _Resolved(result, _with_section(session, result.best.slug, aspect), query, True)
        if not topical and facets.age is not None:
            return _Resolved(same, state.section, state.question, True)
        if not topical and facets.aspect:
            section = _with_section(session, state.article, facets.aspect)
            if section:
                return _Resolved(same, section, state.question, True)
            result = _search(index, f"{state.question} {question}")
            if result.decision in ANSWERED and result.best:
                section = _with_section(session, result.best.slug, facets.aspect)
                return _Resolved(result, section, state.question, True)
        if not topical and own.decision != "answer" and (facets.followup_words or n_words <= 5):
            result = _search(index, f"{state.question} {question}")
            if result.decision in ANSWERED and result.best:
                section = _with_section(session, result.best.slug, facets.aspect)
                return _Resolved(result, section, state.question, True)
    best = own.best.slug if own.best else None
    section = _with_section(session, best, facets.aspect) if best and own.decision in ANSWERED else None
    return _Resolved(own, section, question, False)


def _answer_for(session: Session, resolved: _Resolved, municipality: Optional[str]) -> Tuple[Answer, Optional[str]]:
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


def _next_state(state: DialogueState, resolved: _Resolved, slug: Optional[str], question: str) -> DialogueState:
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
        section = _with_section(session, chosen, chosen_section)
        resolved = _Resolved(SearchResult("answer", (Hit(chosen, "", 1.0),)), section, state.question or "", False)
        answer, slug = _answer_for(session, resolved, municipality)
        question = state.question if slug == state.article else answers_title(session, chosen)
        resolved = replace(resolved, question=question or "")
        return Reply([answer], _next_state(state, resolved, slug, ""))

    deadline = _deadline(session, text, today or dt.date.today(), municipality)
    if deadline is not None:
        # The topic becomes the decision's article ("en wat kost dat?" follows on it).
        slug = deadline.payload.get("article")
        section = deadline.payload.get("section") or state.section
        topic = DialogueState(article=slug, section=section, question=text, age=state.age) if slug else state
        return Reply([deadline], replace(topic, misses=0))
    found = parts(text)
    reply = Reply(state=state)
    results: List[Tuple[_Resolved, Answer, Optional[str], str]] = []
    context = state
    for question in found.questions:
        # The second question is read against the first ("kan ik in beroep en wat kost dat?").
        question = text_without_place(question)
        resolved = _resolve(index, session, question, context)
        answer, slug = _answer_for(session, resolved, municipality)
        results.append((resolved, answer, slug, question))
        context = _next_state(context, resolved, slug, question)
    if len(results) == 2 and not _two_answers(results[0], results[1], found.separate):
        whole = text_without_place(text)
        resolved = _resolve(index, session, whole, state)
        answer, slug = _answer_for(session, resolved, municipality)
        results = [(resolved, answer, slug, whole)]
    for resolved, answer, slug, question in results:
        reply.answers.append(answer)
        reply.state = _next_state(reply.state, resolved, slug, question)
    if acknowledge and found.emotional and reply.answers:
        first = reply.answers[0]
        reply.answers[0] = replace(first, text=f"{ACKNOWLEDGE}\n\n{first.text}")
    if reply.state.misses >= MISSES_BEFORE_HELP:
        reply.answers.append(help_offer())
    return reply


def _two_answers(
    first: Tuple[_Resolved, Answer, Optional[str], str],
    second: Tuple[_Resolved, Answer, Optional[str], str],
    separate: bool,
) -> bool:
    """Answer two questions apart when both found an article and they are not the
    same answer (the same article with another section is another answer); else
    read the message as one question. Both must be sure, unless the parent asked
    two separate question sentences: then one of them may be "niet zeker"."""
    (r1, _a1, s1, _q1), (r2, _a2, s2, _q2) = first, second
    decisions = (r1.result.decision, r2.result.decision)
    allowed = set(ANSWERED) if separate else {"answer"}
    if not (s1 and s2) or "answer" not in decisions or not set(decisions) <= allowed:
        return False
    return (s1, r1.section) != (s2, r2.section)


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
