"""Create, find and change staff accounts."""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.accounts import passwords
from knowledge.accounts.roles import ALL_MUNICIPALITIES, LOCAL_ROLES, ROLES
from knowledge.models import LoginSession, User
from knowledge.municipalities import canonical_municipality

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


class AccountError(ValueError):
    """The account cannot be made or changed like this; the message says why, in Dutch."""


def normalise_municipalities(role: str, names: Iterable[str]) -> List[str]:
    """The municipalities of a redacteur or medewerker, spelled as in the municipality list."""
    out: List[str] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name == ALL_MUNICIPALITIES:
            out.append(ALL_MUNICIPALITIES)
            continue
        known = canonical_municipality(name)
        if known is None:
            raise AccountError(f"De gemeente {name!r} ken ik niet. Kijk of je de naam goed hebt geschreven.")
        out.append(known)
    if role in LOCAL_ROLES and not out:
        raise AccountError(f"Een {role} hoort bij minstens één gemeente (--municipality).")
    if role not in LOCAL_ROLES and out:
        raise AccountError(f"Een {role} werkt voor alle gemeenten; geef geen gemeente op.")
    return sorted(set(out))


def find(session: Session, username: str) -> Optional[User]:
    return session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()


def create_user(session: Session, username: str, password: str, role: str, municipalities: Iterable[str] = ()) -> User:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("Een gebruikersnaam heeft 2 tot 40 tekens: kleine letters, cijfers, punt, streepje.")
    if role not in ROLES:
        raise AccountError(f"Onbekende rol {role!r}. Kies uit: {', '.join(ROLES)}.")
    if find(session, username) is not None:
        raise AccountError(f"De gebruiker {username} bestaat al.")
    try:
        passwords.check_strength(password, username)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from exc
    user = User(
        username=username,
        password_hash=passwords.hash_password(password),
        role=role,
        municipalities=normalise_municipalities(role, municipalities),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; every open session of the user ends."""
    try:
        passwords.check_strength(password, user.username)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from exc
    user.password_hash = passwords.hash_password(password)
    end_sessions(session, user)


def deactivate(session: Session, user: User) -> None:
    user.active = False
    end_sessions(session, user)


def end_sessions(session: Session, user: User) -> None:
    for row in session.execute(select(LoginSession).where(LoginSession.user_id == user.id)).scalars():
        session.delete(row)


def all_users(session: Session) -> List[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())
