"""How the chat would answer with a version that is not live yet (a concept or
a proposal), before anyone publishes it.

The version's text is made live inside a savepoint, the chat's own
`knowledge.dialogue.respond()` answers, and the savepoint is rolled back: the
answer is exactly what the chat would send, and nothing is saved or seen by
anyone else. Which article a typed question finds is decided by the live
index, built before the savepoint and not rebuilt for a preview (that takes
seconds, and the live index must never hold unpublished text): new example
questions count once the version is published. A topic button, or an empty
message, answers with the version's own article.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Optional, Tuple

from sqlalchemy.orm import Session

from knowledge.dialogue import Reply, respond
from knowledge.editorial import versions
from knowledge.editorial.workflow import apply_text
from knowledge.retrieval import Index, Retriever

# A button of the chat sends e.g. /ask_article{"article": "wijkteam", "section": "daarna"}.
BUTTON = re.compile(r"^/ask_article(\{.*\})\s*$", re.S)


def article_of(data: Dict[str, Any], kind: str, key: str) -> str:
    """The article a version answers: its own slug, or the article of a local version."""
    return key if kind == "article" else str(data.get("article") or "")


def button(text: str) -> Optional[Tuple[str, Optional[str]]]:
    """(article, section) when TEXT is the payload of one of the chat's buttons."""
    match = BUTTON.match(text.strip())
    if not match:
        return None
    try:
        values = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(values, dict) or not values.get("article"):
        return None
    return str(values["article"]), (str(values["section"]) if values.get("section") else None)


class _Frozen(Retriever):
    """A retriever that keeps one index, whatever the database says."""

    def __init__(self, index: Index) -> None:
        super().__init__()
        self._frozen = index

    def index(self, session: Session) -> Index:
        return self._frozen


def ask_payload(article: str) -> str:
    """The message a topic button for ARTICLE sends."""
    return "/ask_article" + json.dumps({"article": article})


def preview(
    session: Session, retriever: Retriever, version_id: int, text: str, municipality: Optional[str] = None
) -> Reply:
    """What the chat answers to TEXT (a question, or a button's payload) with this version live.
    An empty TEXT asks for the version's own article, as a topic button would."""
    version = versions.by_id(session, version_id)
    chosen = button(text) if text.strip() else (article_of(version.data, version.kind, version.key), None)
    frozen = _Frozen(retriever.current(session))  # the live index, before the version is applied
    savepoint = session.begin_nested()
    try:
        apply_text(session, version.kind, version.key, dict(version.data))
        if chosen is not None:
            return respond(session, frozen, "", municipality=municipality, chosen=chosen[0], chosen_section=chosen[1])
        return respond(session, frozen, text, municipality=municipality)
    finally:
        savepoint.rollback()
