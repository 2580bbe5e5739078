"""Property-based tests (Hypothesis) over the message path: whatever arrives, the
safety detector answers and still hears danger, the dialogue answers, and the
public chat endpoint never answers 500. Bounded budgets keep them quick."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.db import session_scope
from knowledge.dialogue import DialogueState, respond
from knowledge.retrieval import Retriever
from knowledge.safety import SafetySignal, detect

# Any characters, lone surrogates included (half an emoji from a cut), and bytes
# decoded as a careless client would.
ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=400),
    st.binary(max_size=400).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.binary(max_size=400).map(lambda b: b.decode("latin-1")),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
BUDGET = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@BUDGET
@given(ANY_TEXT)
def test_the_detector_answers_anything_and_still_hears_danger(text: str) -> None:
    assert isinstance(detect(text), SafetySignal)
    # Whatever came before, a cry that follows in its own sentence is heard.
    assert detect(f"{text}\n\nik wil niet meer leven").level in ("acute", "suicide")


RETRIEVER = Retriever()


@pytest.fixture(scope="module")
def sessions(content_db: str) -> Iterator[str]:
    yield content_db


@BUDGET
@given(ANY_TEXT, st.sampled_from([None, "ondertoezichtstelling", "hoger-beroep"]))
def test_the_dialogue_answers_anything(sessions: str, text: str, article: Any) -> None:
    state = DialogueState(article=article, question="wat is dat" if article else None)
    with session_scope(sessions) as session:
        reply = respond(session, RETRIEVER, text, state)
    assert reply.answers, "every message gets at least one answer"
    assert all(isinstance(a.text, str) and a.text for a in reply.answers)


@pytest.fixture()
def offline_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa on a closed port: a well-formed message gets the honest 503 with the
    helplines; everything else must be refused before that."""
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")


@BUDGET
@given(JSON)
def test_the_chat_endpoint_never_answers_500(offline_rasa: None, client: Any, body: Any) -> None:
    response = client.post("/chat/messages", json=body)
    assert response.status_code < 500 or response.status_code == 503, response.status_code
    if not (isinstance(body, dict) and isinstance(body.get("text"), str)):
        assert 400 <= response.status_code < 500, (body, response.status_code)


@BUDGET
@given(st.binary(max_size=2000))
def test_the_chat_endpoint_refuses_broken_bodies(offline_rasa: None, client: Any, raw: bytes) -> None:
    response = client.post("/chat/messages", content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500 or response.status_code == 503, response.status_code
