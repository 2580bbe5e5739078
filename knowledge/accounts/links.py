"""One-time links with which a person sets their own password.

Nobody else ever sees or sends a password: a beheerder makes an account (or a
new link for someone who forgot theirs) and gets a link, shown once, to give
to that person in person or through a secure channel. The link works once and
for LINK_HOURS; a new link makes the earlier ones worthless. The database keeps
only a SHA-256 of the link's code, so a copy of the database opens nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.accounts import store
from knowledge.models import PasswordLink, User, utcnow

LINK_HOURS = 48
PATH = "/wachtwoord-instellen"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def revoke(session: Session, user: User) -> None:
    """Every open link of USER stops working."""
    session.execute(delete(PasswordLink).where(PasswordLink.user_id == user.id))


def issue(session: Session, user: User, by: str, now: Optional[dt.datetime] = None) -> str:
    """A new code for USER (earlier ones stop working). Returned once, never stored."""
    now = now or utcnow()
    revoke(session, user)
    code = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=LINK_HOURS)
    session.add(
        PasswordLink(token_hash=_hash(code), user_id=user.id, created_by=by, created_at=now, expires_at=expires)
    )
    session.flush()
    return code


def holder(session: Session, code: Optional[str], now: Optional[dt.datetime] = None) -> Optional[User]:
    """The active account this code belongs to, if the code still works."""
    if not code:
        return None
    row = session.execute(select(PasswordLink).where(PasswordLink.token_hash == _hash(code))).scalar_one_or_none()
    if row is None or row.expires_at < (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def redeem(session: Session, code: Optional[str], password: str, again: str) -> User:
    """Set the password with the code; the code is used up and every session of the account ends."""
    user = holder(session, code)
    if user is None:
        raise store.AccountError("Deze link werkt niet meer. Vraag de beheerder om een nieuwe link.")
    if password != again:
        raise store.AccountError("De twee wachtwoorden zijn niet gelijk. Typ ze nog een keer.")
    store.set_password(session, user, password)
    revoke(session, user)
    session.flush()
    return user


def pending(session: Session, user: User, now: Optional[dt.datetime] = None) -> Optional[dt.datetime]:
    """Until when the open link of USER works (None: there is none)."""
    row = session.execute(select(PasswordLink).where(PasswordLink.user_id == user.id)).scalars().first()
    return row.expires_at if row is not None and row.expires_at >= (now or utcnow()) else None
