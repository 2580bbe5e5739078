"""The editorial workflow over HTTP: versions, diff, restore, review, source checks,
texts due for a check, and the audit log. Rules: knowledge.accounts.permissions."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select

from knowledge import audit, editorial
from knowledge.accounts import permissions
from knowledge.accounts.sessions import Current
from knowledge.db import session_scope
from knowledge.editorial import overdue, versions
from knowledge.models import ContentVersion
from webapp.auth import api_user, writer

router = APIRouter(prefix="/api/v1/editorial", tags=["redactie"])


class Note(BaseModel):
    note: str = ""


def _kind(kind: str) -> str:
    if kind not in versions.KINDS:
        raise HTTPException(404, "Kies article of local.")
    return kind


@router.get("/{kind}/{key}/versions")
def list_versions(kind: str, key: str, who: Current = Depends(api_user)) -> List[Dict[str, Any]]:
    """Every version, newest first: who, when, why, status."""
    permissions.edits_content(who.principal)
    with session_scope() as session:
        return [versions.as_dict(v) for v in versions.history(session, _kind(kind), key)]


@router.get("/{kind}/{key}/diff")
def diff(kind: str, key: str, old: int, new: Optional[int] = None, who: Current = Depends(api_user)) -> Dict[str, Any]:
    """What changed between version OLD and NEW (default: the live text)."""
    permissions.edits_content(who.principal)
    with session_scope() as session:
        try:
            before = versions.get(session, _kind(kind), key, old).data
            if new is None:
                row = versions.live_row(session, kind, key)
                after = versions.snapshot(row, kind) if row is not None else {}
            else:
                after = versions.get(session, kind, key, new).data
        except versions.VersionError as exc:
            raise HTTPException(404, str(exc)) from exc
        return {"old": old, "new": new, "changes": versions.diff(before, after)}


@router.post("/{kind}/{key}/restore/{number}")
def restore(kind: str, key: str, number: int, who: Current = Depends(writer)) -> Dict[str, Any]:
    """Put an earlier version back (a new version; general texts: eindredacteur, or a proposal)."""
    with session_scope() as session:
        try:
            saved = editorial.restore_version(session, who.principal, _kind(kind), key, number)
        except versions.VersionError as exc:
            raise HTTPException(404, str(exc)) from exc
        return {"version": saved.version.number, "status": saved.version.status, "live": saved.live}


@router.post("/{kind}/{key}/checked")
def checked(kind: str, key: str, body: Note, who: Current = Depends(writer)) -> Dict[str, Any]:
    """ "Ik heb de bronnen gecontroleerd": today's date and the eindredacteur's name."""
    with session_scope() as session:
        try:
            row = editorial.mark_checked(session, who.principal, _kind(kind), key, body.note)
        except versions.VersionError as exc:
            raise HTTPException(404, str(exc)) from exc
        return {"last_checked": row.last_checked.isoformat(), "checked_by": row.checked_by}


@router.get("/review")
def review(who: Current = Depends(api_user)) -> List[Dict[str, Any]]:
    """Proposals and concepts waiting, each with what it changes against the live text."""
    permissions.edits_content(who.principal)
    with session_scope() as session:
        rows = session.execute(
            select(ContentVersion)
            .where(ContentVersion.status.in_(("ter-beoordeling", "concept")))
            .order_by(ContentVersion.created_at)
        ).scalars()
        out = []
        for version in rows:
            live = versions.live_row(session, version.kind, version.key)
            current = versions.snapshot(live, version.kind) if live is not None else None
            out.append({**versions.as_dict(version), "changes": versions.diff(current, version.data)})
        return out


def _decide(version_id: int, body: Note, who: Current, publish: bool) -> Dict[str, Any]:
    with session_scope() as session:
        try:
            if publish:
                version = editorial.publish_version(session, who.principal, version_id, body.note)
            else:
                version = editorial.reject_version(session, who.principal, version_id, body.note)
        except versions.VersionError as exc:
            raise HTTPException(409, str(exc)) from exc
        return versions.as_dict(version)


@router.post("/versions/{version_id}/publish")
def publish(version_id: int, body: Note, who: Current = Depends(writer)) -> Dict[str, Any]:
    """Approve: the version becomes the live text the bot answers with."""
    return _decide(version_id, body, who, publish=True)


@router.post("/versions/{version_id}/reject")
def reject(version_id: int, body: Note, who: Current = Depends(writer)) -> Dict[str, Any]:
    return _decide(version_id, body, who, publish=False)


@router.get("/overdue")
def due(who: Current = Depends(api_user)) -> List[Dict[str, Any]]:
    """Texts never checked, or checked longer ago than CHECK_PERIOD_MONTHS (12)."""
    permissions.edits_content(who.principal)
    with session_scope() as session:
        return overdue.overdue(session)


@router.get("/audit")
def audit_log(
    kind: Optional[str] = None, key: Optional[str] = None, who: Current = Depends(api_user)
) -> List[Dict[str, Any]]:
    """Who changed what, when, with the old and new value (content only; beheerder: everything)."""
    permissions.edits_content(who.principal)
    with session_scope() as session:
        rows = audit.entries(session, kind, key)
        if who.principal.role != "beheerder":
            rows = [r for r in rows if r.object_type in versions.KINDS]
        return [audit.as_dict(r) for r in rows]
