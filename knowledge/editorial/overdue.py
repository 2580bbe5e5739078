"""Texts whose last check is older than the period (default 12 months), or never done."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.config import settings
from knowledge.models import Article, LocalVersion


def cutoff(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.month - 1 - months, 12)
    day = min(today.day, 28)
    return dt.date(today.year + year, month + 1, day)


def overdue(session: Session, today: Optional[dt.date] = None, months: Optional[int] = None) -> List[Dict[str, Any]]:
    """Oldest first; never checked comes before everything."""
    limit = cutoff(today or dt.date.today(), months if months is not None else settings().check_period_months)
    rows: List[Dict[str, Any]] = []
    for kind, model, key, title in (
        ("article", Article, "slug", "title"),
        ("local", LocalVersion, "key", "key"),
    ):
        for row in session.execute(select(model)).scalars():
            if row.last_checked is None or row.last_checked < limit:
                rows.append(
                    {
                        "kind": kind,
                        "key": getattr(row, key),
                        "title": getattr(row, title),
                        "last_checked": row.last_checked.isoformat() if row.last_checked else None,
                        "checked_by": row.checked_by,
                        "municipalities": list(getattr(row, "municipalities", []) or []),
                    }
                )
    return sorted(rows, key=lambda r: (r["last_checked"] is not None, r["last_checked"] or "", r["key"]))
