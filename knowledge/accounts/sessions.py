"""Logging in and out: sessions, CSRF tokens, throttling and lock-out.

The browser keeps a random token in a cookie; the database keeps only its
SHA-256, so a copy of the database lets nobody log in. Each session has its own
CSRF token, which every state-changing request must send back.

Throttling: after `login_max_failures` failed attempts for one user name
(existing or not) within the lock-out period, that name is locked for
`lockout_minutes`; a client address is locked after four times as many. A
locked login is refused without checking the password, so guessing stops.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from knowledge.accounts import passwords, store
from knowledge.accounts.permissions import Principal
from knowledge.config import settings
from knowledge.models import LoginSession, LoginThrottle, User, utcnow

IP_FACTOR = 4


class LoginRefused(Exception):
    """Wrong name or password, or locked; str() is what the person reads."""

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Started:
    token: str  # goes into the cookie, never stored
    csrf: str
    principal: Principal


@dataclass(frozen=True)
class Current:
    principal: Principal
    csrf: str
    session_id: int


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _throttle_keys(username: str, client: Optional[str]) -> List[Tuple[str, int]]:
    limit = settings().login_max_failures
    keys = [(f"user:{username.strip().lower()[:80]}", limit)]
    if client:
        keys.append((f"ip:{client[:100]}", limit * IP_FACTOR))
    return keys


def _row(session: Session, key: str) -> Optional[LoginThrottle]:
    return session.execute(select(LoginThrottle).where(LoginThrottle.key == key)).scalar_one_or_none()


def locked_for(session: Session, username: str, client: Optional[str], now: Optional[dt.datetime] = None) -> int:
    """Seconds until this user name or address may try again (0: now)."""
    now = now or utcnow()
    waits = [0]
    for key, _limit in _throttle_keys(username, client):
        row = _row(session, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            waits.append(int((row.locked_until - now).total_seconds()) + 1)
    return max(waits)


def _record_failure(session: Session, username: str, client: Optional[str], now: dt.datetime) -> None:
    period = dt.timedelta(minutes=settings().lockout_minutes)
    for key, limit in _throttle_keys(username, client):
        row = _row(session, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, first_failure=now)
            session.add(row)
        if now - row.first_failure > period:
            row.failures, row.first_failure, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + period
    session.flush()


def clear_failures(session: Session, username: str) -> None:
    """Lift the lock-out after failed logins for USERNAME (a beheerder unlocks it)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == f"user:{username.strip().lower()[:80]}"))


def log_in(
    session: Session, username: str, password: str, client: Optional[str] = None, now: Optional[dt.datetime] = None
) -> Started:
    """A new session for USERNAME, or LoginRefused (same message for a wrong name or password)."""
    now = now or utcnow()
    wait = locked_for(session, username, client, now)
    if wait:
        minutes = max(1, round(wait / 60))
        raise LoginRefused(
            f"Te vaak een verkeerd wachtwoord. Probeer het over {minutes} minuten opnieuw.", retry_after=wait
        )
    user = store.find(session, username)
    if user is None or not user.active:
        passwords.spend_time(password)
        ok = False
    else:
        ok = passwords.verify(user.password_hash, password)
    if not ok or user is None:
        _record_failure(session, username, client, now)
        raise LoginRefused("De gebruikersnaam of het wachtwoord klopt niet.")
    clear_failures(session, username)
    if store.lock_of(session, user) is not None:  # said only to someone who knows the password
        raise LoginRefused("Je account is geblokkeerd. Vraag de beheerder om het weer open te zetten.")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=settings().session_hours)
    session.add(
        LoginSession(token_hash=_hash(token), user_id=user.id, csrf_token=csrf, created_at=now, expires_at=expires)
    )
    session.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    session.flush()
    return Started(token, csrf, Principal.of(user))


def current(session: Session, token: Optional[str], now: Optional[dt.datetime] = None) -> Optional[Current]:
    """Who holds this cookie token, if the session is still valid."""
    if not token:
        return None
    row = session.execute(select(LoginSession).where(LoginSession.token_hash == _hash(token))).scalar_one_or_none()
    if row is None or row.expires_at < (now or utcnow()):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or store.lock_of(session, user) is not None:
        return None
    return Current(Principal.of(user), row.csrf_token, row.id)


def log_out(session: Session, token: Optional[str]) -> None:
    if token:
        session.execute(delete(LoginSession).where(LoginSession.token_hash == _hash(token)))
