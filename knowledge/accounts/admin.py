"""What a beheerder does with accounts: make one, change its role or
municipalities, block and unblock it, turn it off, and give a new password link.

Every step checks the rule (only a beheerder), refuses what would leave nobody
to manage the accounts, and writes an audit entry with the old and new value.
No step ever sees a password: the person sets it through a one-time link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional

from sqlalchemy.orm import Session

from knowledge import audit
from knowledge.accounts import links, permissions, sessions, store
from knowledge.accounts.permissions import Principal
from knowledge.accounts.roles import BEHEERDER
from knowledge.models import User

STATUS_LABELS = {
    "actief": "actief",
    "wacht": "wacht op wachtwoord",
    "geblokkeerd": "geblokkeerd door de beheerder",
    "te-vaak-fout": "tijdelijk op slot: te vaak een verkeerd wachtwoord",
    "uit": "uitgezet",
}


@dataclass(frozen=True)
class Account:
    """One account as the beheerder's page shows it (no password, no hash)."""

    username: str
    role: str
    municipalities: List[str]
    status: str
    label: str
    created: dt.date
    link_until: Optional[dt.datetime]


def public(user: User) -> Dict[str, Any]:
    """What the audit log keeps of an account."""
    return {"role": user.role, "municipalities": list(user.municipalities or []), "active": bool(user.active)}


def status(session: Session, user: User) -> str:
    if not user.active:
        return "uit"
    if store.lock_of(session, user) is not None:
        return "geblokkeerd"
    if sessions.locked_for(session, user.username, None):
        return "te-vaak-fout"
    return "actief" if store.has_password(user) else "wacht"


def account(session: Session, user: User) -> Account:
    state = status(session, user)
    return Account(
        username=user.username,
        role=user.role,
        municipalities=list(user.municipalities or []),
        status=state,
        label=STATUS_LABELS[state],
        created=user.created_at.date(),
        link_until=links.pending(session, user),
    )


def overview(session: Session, who: Principal) -> List[Account]:
    permissions.manages_accounts(who)
    return [account(session, u) for u in store.all_users(session)]


def get(session: Session, who: Principal, username: str) -> User:
    permissions.manages_accounts(who)
    user = store.find(session, username)
    if user is None:
        raise store.AccountError(f"De gebruiker {username} bestaat niet.")
    return user


def _not_yourself(who: Principal, user: User, what: str) -> None:
    if user.username == who.username:
        raise store.AccountError(f"Je kunt je eigen account niet {what}. Vraag een andere beheerder.")


def create(session: Session, who: Principal, username: str, role: str, municipalities: Iterable[str]) -> str:
    """A new account without a password; returns the code of its one-time link."""
    permissions.manages_accounts(who)
    user = store.create_user(session, username, None, role, municipalities)
    audit.record(session, who.username, "account-aangemaakt", "user", user.username, None, public(user))
    return new_link(session, who, user.username)


def new_link(session: Session, who: Principal, username: str) -> str:
    user = get(session, who, username)
    if not user.active:
        raise store.AccountError("Dit account staat uit. Maak een nieuw account.")
    code = links.issue(session, user, who.username)
    # The log says that a link was made and until when, never the code.
    until = links.pending(session, user)
    audit.record(session, who.username, "wachtwoordlink-gemaakt", "user", user.username, None, {"geldig_tot": until})
    return code


def change(session: Session, who: Principal, username: str, role: str, municipalities: Iterable[str]) -> User:
    user = get(session, who, username)
    if role != user.role:
        _not_yourself(who, user, "een andere rol geven")
    old = public(user)
    store.change_role(session, user, role, municipalities)
    if public(user) != old:
        audit.record(session, who.username, "rol-gewijzigd", "user", user.username, old, public(user))
    return user


def lock(session: Session, who: Principal, username: str) -> User:
    user = get(session, who, username)
    _not_yourself(who, user, "blokkeren")
    store.lock(session, user, who.username)
    audit.record(session, who.username, "account-geblokkeerd", "user", user.username, "actief", "geblokkeerd")
    return user


def unlock(session: Session, who: Principal, username: str) -> User:
    """Lift the beheerder's block and the lock-out after failed logins."""
    user = get(session, who, username)
    old = status(session, user)
    store.unlock(session, user)
    sessions.clear_failures(session, user.username)
    audit.record(session, who.username, "account-gedeblokkeerd", "user", user.username, old, status(session, user))
    return user


def deactivate(session: Session, who: Principal, username: str) -> User:
    """Off for good: no login, no link; the account stays for the audit log."""
    user = get(session, who, username)
    _not_yourself(who, user, "uitzetten")
    if user.role == BEHEERDER and user.active and _active_beheerders(session) <= 1:
        raise store.AccountError("Dit is de laatste beheerder. Maak eerst een andere beheerder.")
    store.deactivate(session, user)
    links.revoke(session, user)
    audit.record(session, who.username, "account-uitgezet", "user", user.username, True, False)
    return user


def _active_beheerders(session: Session) -> int:
    return sum(1 for u in store.all_users(session) if u.role == BEHEERDER and u.active)


def set_own_password(session: Session, code: Optional[str], password: str, again: str) -> User:
    """The person sets their own password with the code from their link."""
    user = links.redeem(session, code, password, again)
    audit.record(session, user.username, "wachtwoord-ingesteld", "user", user.username)
    return user
