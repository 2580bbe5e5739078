"""What one question means, given the conversation so far.

In order:
1. "nee, ik bedoel ..." corrects the last answer: search the rest (or the last
   question with the corrected organisation), never that article again.
2. A follow-up is read against the last topic (the state):
   - "en dat van de GI?" swaps the organisation (or measure, or right) in the
     last question and keeps what was asked;
   - "en als ze 10 is?" keeps the topic with a new age;
   - "hoe lang duurt dat?" / "wie heeft dat besloten, de gezinsvoogd?" asks an
     aspect of the last topic, answered with that article's section;
   - other short messages without a topic of their own ("kan dat ook later?"),
     or with a pointer back ("kan ik hun rapport lezen?"), are searched
     together with the last question.
3. Otherwise the message is a new question. An aspect it asks ("hoeveel tijd heb
   ik voor een hoger beroep?") is answered with the article's section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from sqlalchemy.orm import Session

from knowledge import answers
from knowledge.dialogue.questions import is_question
from knowledge.dialogue.rerank import rerank
from knowledge.dialogue.state import DialogueState
from knowledge.facets import FACET_KINDS, Facets, extract, load_vocabulary
from knowledge.language import words
from knowledge.retrieval import ANSWER_MARGIN, Hit, Index, SearchResult, decide

FOLLOWUP_MAX_WORDS = 9  # a follow-up is short; a longer message is its own question
# "en als ze bij mijn moeder woont, dus bij oma?": a message that goes on from
# the last one may be longer.
CONTINUE_STARTS = frozenset({"en", "maar", "ook", "of"})
CONTINUE_MAX_WORDS = 14
SWAP_STARTS = frozenset({"en", "ook", "geldt", "bij", "voor", "of"})
SWAP_MAX_WORDS = 6  # "en dat van de GI?"; a longer "en ..." is a question of its own
ANSWERED = ("answer", "tentative")
PART_MIN = 0.45  # the best score of a clear winner (see clear())


@dataclass(frozen=True)
class Resolved:
    result: SearchResult
    section: Optional[str]
    question: str  # the question as understood (with the topic filled in)
    followup: bool


def search(index: Index, query: str, exclude: Sequence[str] = ()) -> SearchResult:
    hits = [h for h in index.score_all(query) if h.slug not in exclude]
    hits = rerank(index, hits, extract(query), len(words(query)))[:4]
    return SearchResult(decide(hits, index.in_domain(query)), tuple(hits[:3]))


def better(candidate: SearchResult, current: SearchResult) -> bool:
    """A sure answer beats an unsure one; otherwise the higher best score wins."""
    rank = {"answer": 3, "tentative": 2, "choose": 1, "unknown": 0}
    if rank[candidate.decision] != rank[current.decision]:
        return rank[candidate.decision] > rank[current.decision]
    top = candidate.best.score if candidate.best else 0.0
    return top > (current.best.score if current.best else 0.0)


def clear(result: SearchResult) -> bool:
    """Sure, or a clear winner that is unsure only because its words are not the
    chain's own ("is deze chat anoniem", "wat is een vertrouwenspersoon")."""
    if result.decision == "answer":
        return True
    hits = result.hits
    second = hits[1].score if len(hits) > 1 else 0.0
    return bool(hits) and hits[0].score >= PART_MIN and hits[0].score - second >= ANSWER_MARGIN


def _swapped(previous: str, facets: Facets) -> Optional[str]:
    """The previous question with the named organisation/measure/right swapped
    in; None when the previous question named nothing of that kind (then "en
    een cliëntondersteuner?" is a question of its own)."""
    old = extract(previous)
    tokens = words(previous)
    swapped = False
    for mention in facets.mentions:
        if mention.value.kind not in FACET_KINDS:
            continue
        same = [m for m in old.mentions if m.value.kind == mention.value.kind]
        if same:
            first = same[0]
            # Other mentions of the same value go too: "de raad v d kinderbescherming" is two.
            drop = {i for m in same[1:] if m.value == first.value for i in range(m.start, m.end)}
            rest = [t for i, t in enumerate(tokens[first.end :], first.end) if i not in drop]
            tokens = tokens[: first.start] + mention.surface.split() + rest
            old = extract(" ".join(tokens))
            swapped = True
    return " ".join(tokens) if swapped else None


def with_section(session: Session, slug: str, aspect: Optional[str]) -> Tuple[str, Optional[str]]:
    """The article and section that answer ASPECT of SLUG: its own section, or
    the article facets.yaml names for it ("waar vind ik een cliëntondersteuner"
    is answered by the article with the local addresses)."""
    if not aspect:
        return slug, None
    slug = load_vocabulary().answered_by.get((aspect, slug), slug)
    article = answers.published_article(session, slug)
    return slug, (aspect if article is not None and aspect in (article.sections or {}) else None)


def _resolved(session: Session, result: SearchResult, aspect: Optional[str], question: str, followup: bool) -> Resolved:
    if result.best is None or result.decision not in ANSWERED:
        return Resolved(result, None, question, followup)
    slug, section = with_section(session, result.best.slug, aspect)
    if slug != result.best.slug:
        result = SearchResult(result.decision, (Hit(slug, "", result.best.score), *result.hits))
    return Resolved(result, section, question, followup)


def _correction(index: Index, session: Session, rest: str, state: DialogueState) -> Resolved:
    """ "nee, ik bedoel een cliëntondersteuner": the rest, or the last question
    with the corrected organisation in it, whichever is surer."""
    assert state.article is not None
    facets = extract(rest)
    result, question = search(index, rest, exclude=[state.article]), rest
    swapped = _swapped(state.question, facets) if state.question and facets.topical else None
    if swapped:
        other = search(index, swapped, exclude=[state.article])
        if better(other, result):
            result, question = other, swapped
    return _resolved(session, result, facets.aspect or extract(question).aspect, question, False)


def _is_followup(question: str, facets: Facets, statement: bool) -> bool:
    """Short, or a longer message that goes on from the last one ("en als ...")
    or asks an aspect without a topic of its own ("hoe lang duurt het voor ik
    iets van ze hoor?")."""
    tokens = words(question)
    if len(tokens) <= FOLLOWUP_MAX_WORDS:
        return True
    goes_on = bool(tokens) and tokens[0] in CONTINUE_STARTS
    return len(tokens) <= CONTINUE_MAX_WORDS and (
        goes_on or (bool(facets.aspect) and not facets.topical) or _is_detail(statement, facets)
    )


def is_statement(text: str) -> bool:
    """Said, not asked: no question mark and no question word first (on the text as typed)."""
    return "?" not in text and not is_question(text)


def _is_detail(statement: bool, facets: Facets) -> bool:
    """A statement, not a request, that does not start anew ("hij is 11 trouwens")."""
    return statement and not (facets.request or facets.new_topic or facets.correction)


def _followup(
    index: Index,
    session: Session,
    question: str,
    facets: Facets,
    own: SearchResult,
    state: DialogueState,
    statement: bool,
) -> Optional[Resolved]:
    """The question read against the last topic, or None when it is a question of its own."""
    assert state.article is not None and state.question is not None
    n_words = len(words(question))
    topical = bool(facets.topical)
    same = SearchResult("answer", (Hit(state.article, "", 1.0),))
    combined = f"{state.question} {question}"
    if topical and words(question)[0] in SWAP_STARTS and n_words <= SWAP_MAX_WORDS:
        query = _swapped(state.question, facets)
        if query is None:
            return None
        result = search(index, query)
        if result.decision in ANSWERED and result.best:
            return _resolved(session, result, facets.aspect or state.section, query, True)
    if not topical and facets.age is not None:
        return Resolved(same, state.section, state.question, True)
    if facets.aspect and (not topical or facets.followup_words):
        slug, section = with_section(session, state.article, facets.aspect)
        if not section and state.earlier:
            # Two answers last time: the aspect may be about the first one
            # ("een klacht indienen en wie helpt daarbij?" - "hoeveel tijd heb ik?").
            slug, section = with_section(session, state.earlier, facets.aspect)
        if section:
            return Resolved(SearchResult("answer", (Hit(slug, "", 1.0),)), section, state.question, True)
        if not topical:
            result = search(index, combined)
            if result.decision in ANSWERED:
                return _resolved(session, result, facets.aspect, state.question, True)
    if _is_detail(statement, facets):
        # "ze woont nu in een pleeggezin", "hij is 11 trouwens": a detail for the
        # last question, not a new one - even when the words alone point elsewhere.
        result = search(index, combined)
        if result.decision in ANSWERED:
            return _resolved(session, result, facets.aspect or state.section, state.question, True)
    if clear(own):
        return None
    if not topical and (facets.followup_words or n_words <= 5):
        result = search(index, combined)
        if result.decision in ANSWERED:
            return _resolved(session, result, facets.aspect, state.question, True)
    if topical and facets.followup_words:
        # "kan ik hun rapport lezen?" after a question about the Raad.
        result = search(index, combined)
        if result.decision == "answer":
            return _resolved(session, result, facets.aspect, combined, True)
    return None


def resolve_apart(index: Index, session: Session, question: str, other: str) -> Optional[Resolved]:
    """QUESTION read on its own, without the article OTHER; None unless clear."""
    result = search(index, question, exclude=[other])
    return _resolved(session, result, extract(question).aspect, question, False) if clear(result) else None


def resolve(index: Index, session: Session, question: str, state: DialogueState, statement: bool = False) -> Resolved:
    """STATEMENT: the parent said something rather than asked (see is_statement)."""
    facets = extract(question)
    if facets.correction and state.article:
        return _correction(index, session, facets.correction, state)
    own = search(index, question)
    if state.article and state.question and not facets.new_topic and _is_followup(question, facets, statement):
        followed = _followup(index, session, question, facets, own, state, statement)
        if followed is not None:
            return followed
    return _resolved(session, own, facets.aspect, question, False)
