"""Create, find and change staff accounts."""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.accounts import passwords
from knowledge.accounts.roles import ALL_MUNICIPALITIES, LOCAL_ROLES, ROLES
from knowledge.models import AccountLock, LoginSession, User, utcnow
from knowledge.municipalities import canonical_municipality, province_municipalities

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
# Stored instead of a hash for an account whose owner has not set a password yet: no password matches it.
NO_PASSWORD = "!geen-wachtwoord"
PROVINCE = re.compile(r"^provincie\s+", re.IGNORECASE)


class AccountError(ValueError):
    """The account cannot be made or changed like this; the message says why, in Dutch."""


def _places(name: str) -> List[str]:
    """One municipality, or every municipality of a province ("Flevoland", "provincie Utrecht").
    A name that is both (Utrecht, Groningen) is the municipality unless "provincie" comes first."""
    if PROVINCE.match(name):
        found = province_municipalities(PROVINCE.sub("", name))
        if found is None:
            raise AccountError(f"De provincie {PROVINCE.sub('', name)!r} ken ik niet.")
        return list(found)
    known = canonical_municipality(name)
    if known is not None:
        return [known]
    region = province_municipalities(name)
    if region is None:
        raise AccountError(f"De gemeente {name!r} ken ik niet. Kijk of je de naam goed hebt geschreven.")
    return list(region)


def normalise_municipalities(role: str, names: Iterable[str]) -> List[str]:
    """The municipalities of a redacteur or medewerker, spelled as in the municipality list.
    A province stands for all its municipalities (a regional editor, e.g. Flevoland)."""
    out: List[str] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        out.extend([ALL_MUNICIPALITIES] if name == ALL_MUNICIPALITIES else _places(name))
    if role in LOCAL_ROLES and not out:
        raise AccountError(f"Een {role} hoort bij minstens één gemeente (--municipality).")
    if role not in LOCAL_ROLES and out:
        raise AccountError(f"Een {role} werkt voor alle gemeenten; geef geen gemeente op.")
    return sorted(set(out))


def find(session: Session, username: str) -> Optional[User]:
    return session.execute(select(User).where(User.username == username.strip().lower())).scalar_one_or_none()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Onbekende rol {role!r}. Kies uit: {', '.join(ROLES)}.")


def _check_password(password: str, username: str) -> None:
    try:
        passwords.check_strength(password, username)
    except passwords.WeakPassword as exc:
        raise AccountError(str(exc)) from exc


def create_user(
    session: Session, username: str, password: Optional[str], role: str, municipalities: Iterable[str] = ()
) -> User:
    """A new account. PASSWORD None: the owner sets it later (knowledge.accounts.links)."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("Een gebruikersnaam heeft 2 tot 40 tekens: kleine letters, cijfers, punt, streepje.")
    _check_role(role)
    if find(session, username) is not None:
        raise AccountError(f"De gebruiker {username} bestaat al.")
    if password is not None:
        _check_password(password, username)
    user = User(
        username=username,
        password_hash=passwords.hash_password(password) if password is not None else NO_PASSWORD,
        role=role,
        municipalities=normalise_municipalities(role, municipalities),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def change_role(session: Session, user: User, role: str, municipalities: Iterable[str]) -> None:
    """Another role or other municipalities; it counts from the person's next request."""
    _check_role(role)
    user.municipalities = normalise_municipalities(role, municipalities)
    user.role = role
    session.flush()


def has_password(user: User) -> bool:
    return user.password_hash != NO_PASSWORD


def lock_of(session: Session, user: User) -> Optional[AccountLock]:
    return session.execute(select(AccountLock).where(AccountLock.user_id == user.id)).scalar_one_or_none()


def lock(session: Session, user: User, by: str) -> None:
    """Block the account until it is unlocked; its open sessions end."""
    if lock_of(session, user) is None:
        session.add(AccountLock(user_id=user.id, locked_by=by, locked_at=utcnow()))
    end_sessions(session, user)
    session.flush()


def unlock(session: Session, user: User) -> None:
    found = lock_of(session, user)
    if found is not None:
        session.delete(found)
        session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; every open session of the user ends."""
    _check_password(password, user.username)
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
