"""Saving, reviewing, publishing and restoring texts, with the rules of who may.

- A redacteur saves a local version of their own municipalities and publishes it
  at once; a change to a general article by a redacteur is a proposal
  (ter beoordeling) until an eindredacteur publishes it.
- An eindredacteur (or beheerder) publishes general articles, and is the only
  one who records that the sources were checked.
- A change to the text itself makes "gecontroleerd op" empty again: the new text
  has not been checked. Only `mark_checked` sets it.
Every step is a version and an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import audit
from knowledge.accounts import permissions
from knowledge.accounts.permissions import Forbidden, Principal
from knowledge.content_io import article_from_dict, local_from_dict, upsert_article, upsert_local
from knowledge.editorial import versions
from knowledge.models import Article, ContentVersion, utcnow

TEXT_FIELDS = {
    "article": ("title", "short_answer", "body", "sections", "sources"),
    "local": ("article", "municipalities", "mode", "short_answer", "body", "sources"),
}
UNCHECKED = {"last_checked": None, "checked_by": None, "review": {"status": "te-controleren", "note": ""}}


@dataclass(frozen=True)
class Saved:
    version: ContentVersion
    live: bool  # is the bot answering with it now?
    message: str  # what the editor reads


def _may_publish(who: Principal, kind: str, municipalities: List[str]) -> bool:
    try:
        if kind == "article":
            permissions.publishes_general(who)
        else:
            permissions.edits_local(who, municipalities)
    except Forbidden:
        return False
    return True


def _validate(kind: str, key: str, data: Dict[str, Any]) -> Dict[str, Any]:
    """The text as the content files have it; ContentError when incomplete."""
    field = "slug" if kind == "article" else "key"
    full = {**data, field: key, **UNCHECKED}
    (article_from_dict if kind == "article" else local_from_dict)(full)
    return versions.text_of(full)


def _municipalities(session: Session, kind: str, key: str, data: Dict[str, Any]) -> List[str]:
    """For a local version: the municipalities it has now and will have."""
    if kind != "local":
        return []
    row = versions.live_row(session, kind, key)
    return list(row.municipalities if row is not None else []) + [str(m) for m in data.get("municipalities") or []]


def apply_text(session: Session, kind: str, key: str, text: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Make TEXT live; keep the check only when the text itself did not change. Returns the old text."""
    row = versions.live_row(session, kind, key)
    old = versions.snapshot(row, kind) if row is not None else None
    same_text = old is not None and all(old.get(f) == text.get(f) for f in TEXT_FIELDS[kind])
    check = (
        {
            "last_checked": row.last_checked,
            "checked_by": row.checked_by,
            "review": {"status": row.review_status, "note": row.review_note},
        }
        if same_text and row is not None
        else UNCHECKED
    )
    field = "slug" if kind == "article" else "key"
    (upsert_article if kind == "article" else upsert_local)(session, {**text, field: key, **check})
    session.flush()
    return old


def save(
    session: Session, who: Principal, kind: str, key: str, data: Dict[str, Any], reason: str = "", publish: bool = True
) -> Saved:
    """Save a change as a new version; live at once when this person may publish it."""
    permissions.edits_content(who)
    places = _municipalities(session, kind, key, data)
    if kind == "local":
        permissions.edits_local(who, places)
        article = data.get("article")
        if not session.execute(select(Article.id).where(Article.slug == article)).first():
            raise versions.VersionError("Dit lokale stuk hoort bij een artikel dat niet bestaat.")
    text = _validate(kind, key, data)
    if publish and _may_publish(who, kind, places):
        version = versions.add(session, kind, key, text, "gepubliceerd", who.username, reason)  # before the change
        old = apply_text(session, kind, key, text)
        audit.record(session, who.username, "gepubliceerd", kind, key, old, text)
        return Saved(version, True, "Gepubliceerd. De chat gebruikt dit meteen.")
    status = "ter-beoordeling" if publish else "concept"
    row = versions.live_row(session, kind, key)
    version = versions.add(session, kind, key, text, status, who.username, reason)
    audit.record(session, who.username, status, kind, key, versions.snapshot(row, kind) if row else None, text)
    if status == "concept":
        return Saved(version, False, "Opgeslagen als concept. De chat gebruikt het nog niet.")
    return Saved(version, False, "Voorgesteld. Een eindredacteur beoordeelt je wijziging; daarna staat hij in de chat.")


def _pending(session: Session, version_id: int) -> ContentVersion:
    version = versions.by_id(session, version_id)
    if version.status not in ("concept", "ter-beoordeling"):
        raise versions.VersionError(f"Versie {version.number} is al {version.status}.")
    return version


def _require_publish(session: Session, who: Principal, version: ContentVersion) -> None:
    if version.kind == "article":
        permissions.publishes_general(who)
    else:
        permissions.edits_local(who, _municipalities(session, "local", version.key, version.data))


def publish_version(session: Session, who: Principal, version_id: int, note: str = "") -> ContentVersion:
    """Approve a proposal or concept: it becomes the live text."""
    version = _pending(session, version_id)
    _require_publish(session, who, version)
    old = apply_text(session, version.kind, version.key, dict(version.data))
    version.status, version.reviewed_by, version.reviewed_at = "gepubliceerd", who.username, utcnow()
    if note:
        version.reason = f"{version.reason}\nBeoordeling: {note}".strip()
    audit.record(session, who.username, "goedgekeurd", version.kind, version.key, old, version.data)
    return version


def reject_version(session: Session, who: Principal, version_id: int, note: str = "") -> ContentVersion:
    version = _pending(session, version_id)
    _require_publish(session, who, version)
    version.status, version.reviewed_by, version.reviewed_at = "afgewezen", who.username, utcnow()
    version.reason = f"{version.reason}\nAfgewezen: {note}".strip()
    audit.record(session, who.username, "afgewezen", version.kind, version.key, None, {"versie": version.number})
    return version


def restore_version(session: Session, who: Principal, kind: str, key: str, number: int) -> Saved:
    """Put an earlier version back, as a new version (the same rules as saving)."""
    earlier = versions.get(session, kind, key, number)
    return save(session, who, kind, key, dict(earlier.data), reason=f"Teruggezet naar versie {number}.")


def mark_checked(
    session: Session, who: Principal, kind: str, key: str, note: str = "", today: Optional[dt.date] = None
) -> Any:
    """ "Ik heb de bronnen gecontroleerd": today's date and who checked, set by an eindredacteur."""
    permissions.checks_sources(who)
    row = versions.live_row(session, kind, key)
    if row is None:
        raise versions.VersionError("Deze tekst bestaat niet.")
    old = {"last_checked": row.last_checked, "checked_by": row.checked_by, "status": row.review_status}
    row.last_checked = today or dt.date.today()
    row.checked_by = who.username
    row.review_status = "gecontroleerd"
    if note:
        row.review_note = note
    new = {"last_checked": row.last_checked, "checked_by": row.checked_by, "status": row.review_status}
    audit.record(session, who.username, "bronnen-gecontroleerd", kind, key, old, new)
    session.flush()
    return row
