"""Versions of articles and local versions, and the difference between two."""

from __future__ import annotations

import difflib
from typing import Any, Dict, List, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.audit import jsonable
from knowledge.content_io import article_to_dict, dump_yaml, local_to_dict
from knowledge.models import Article, ContentVersion, LocalVersion

KINDS: Dict[str, Any] = {"article": (Article, "slug", article_to_dict), "local": (LocalVersion, "key", local_to_dict)}
STATUSES = ("concept", "ter-beoordeling", "gepubliceerd", "afgewezen")
# Fields that say whether the text was checked; they are not part of a version's text.
CHECK_FIELDS = ("last_checked", "checked_by", "review")


class VersionError(ValueError):
    """No such version, or it cannot be used like this; the message is Dutch."""


def live_row(session: Session, kind: str, key: str) -> Any:
    model, field, _ = KINDS[kind]
    return session.execute(select(model).where(getattr(model, field) == key)).scalar_one_or_none()


def snapshot(row: Any, kind: str) -> Dict[str, Any]:
    """The text of a live row as a version stores it (JSON, without the check fields)."""
    data = jsonable(KINDS[kind][2](row))
    return {k: v for k, v in data.items() if k not in CHECK_FIELDS}


def text_of(data: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in jsonable(data).items() if k not in CHECK_FIELDS}


def history(session: Session, kind: str, key: str) -> List[ContentVersion]:
    return list(
        session.execute(
            select(ContentVersion)
            .where(ContentVersion.kind == kind, ContentVersion.key == key)
            .order_by(ContentVersion.number.desc())
        ).scalars()
    )


def get(session: Session, kind: str, key: str, number: int) -> ContentVersion:
    row = session.execute(
        select(ContentVersion).where(
            ContentVersion.kind == kind, ContentVersion.key == key, ContentVersion.number == number
        )
    ).scalar_one_or_none()
    if row is None:
        raise VersionError(f"Versie {number} van {key} bestaat niet.")
    return row


def by_id(session: Session, version_id: int) -> ContentVersion:
    row = session.get(ContentVersion, version_id)
    if row is None:
        raise VersionError("Deze versie bestaat niet.")
    return row


def add(
    session: Session, kind: str, key: str, data: Dict[str, Any], status: str, author: str, reason: str
) -> ContentVersion:
    """A new version. The first change of a text from the content files first
    records the text as it was, so it can be restored."""
    if status not in STATUSES:
        raise VersionError(f"Onbekende status {status!r}.")
    latest = session.execute(
        select(func.max(ContentVersion.number)).where(ContentVersion.kind == kind, ContentVersion.key == key)
    ).scalar()
    if latest is None:
        row = live_row(session, kind, key)
        if row is not None:
            first = ContentVersion(
                kind=kind,
                key=key,
                number=1,
                data=snapshot(row, kind),
                status="gepubliceerd",
                author="inhoudsbestanden",
                reason="De tekst zoals hij uit de inhoudsbestanden kwam.",
            )
            session.add(first)
            latest = 1
    version = ContentVersion(
        kind=kind, key=key, number=(latest or 0) + 1, data=text_of(data), status=status, author=author, reason=reason
    )
    session.add(version)
    session.flush()
    return version


def as_dict(version: ContentVersion) -> Dict[str, Any]:
    return {
        "id": version.id,
        "kind": version.kind,
        "key": version.key,
        "number": version.number,
        "status": version.status,
        "author": version.author,
        "reason": version.reason,
        "at": version.created_at.isoformat() + "Z",
        "reviewed_by": version.reviewed_by,
        "data": version.data,
    }


def _lines(value: Any) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    return dump_yaml(value).splitlines()


def diff(old: Optional[Dict[str, Any]], new: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Per changed field: the old and new value and the changed lines (- old, + new)."""
    old = old or {}
    changes = []
    for field in list(dict.fromkeys([*old.keys(), *new.keys()])):
        if old.get(field) == new.get(field):
            continue
        lines = [
            line
            for line in difflib.unified_diff(_lines(old.get(field)), _lines(new.get(field)), lineterm="", n=1)
            if not line.startswith(("---", "+++", "@@"))
        ]
        changes.append({"field": field, "old": old.get(field), "new": new.get(field), "lines": lines})
    return changes
