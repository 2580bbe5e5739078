"""The audit log: every write by a person, with the old and the new value.

Entries are only added, never changed. Message texts of parents are never
put in the log; for a ticket only its status and who handled it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.models import AuditEntry


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_key: str,
    old: Any = None,
    new: Any = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_key=str(object_key)[:200],
        old_value=jsonable(old),
        new_value=jsonable(new),
    )
    session.add(entry)
    session.flush()
    return entry


def jsonable(value: Any) -> Any:
    """Dates and other values as text, so the JSON column takes them."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


def entries(
    session: Session, object_type: Optional[str] = None, object_key: Optional[str] = None, limit: int = 200
) -> List[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_key:
        query = query.where(AuditEntry.object_key == object_key)
    return list(session.execute(query).scalars())


def as_dict(entry: AuditEntry) -> Dict[str, Any]:
    return {
        "at": entry.at.isoformat() + "Z",
        "actor": entry.actor,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_key": entry.object_key,
        "old": entry.old_value,
        "new": entry.new_value,
    }
