"""Who may do what, decided on the server for each object.

A `Principal` is the logged-in person as the rules need them (detached from
the database). Every check raises `Forbidden` with a Dutch message, so the web
app answers 403 with a reason staff can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from knowledge.accounts.roles import ALL_MUNICIPALITIES, BEHEERDER, EINDREDACTEUR, MEDEWERKER, REDACTEUR
from knowledge.models import User


class Forbidden(Exception):
    """Not allowed for this person; str() is the reason in Dutch."""


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    municipalities: Tuple[str, ...] = ()

    @classmethod
    def of(cls, user: User) -> "Principal":
        return cls(user.username, user.role, tuple(user.municipalities or ()))

    def covers(self, municipality: Optional[str]) -> bool:
        """Does this person work for MUNICIPALITY?"""
        if self.role == BEHEERDER or ALL_MUNICIPALITIES in self.municipalities:
            return True
        wanted = (municipality or "").casefold()
        return any(m.casefold() == wanted for m in self.municipalities)


def _require(allowed: bool, reason: str) -> None:
    if not allowed:
        raise Forbidden(reason)


def edits_content(who: Principal) -> None:
    _require(who.role in (BEHEERDER, REDACTEUR, EINDREDACTEUR), "Alleen de redactie mag teksten bekijken en wijzigen.")


def publishes_general(who: Principal) -> None:
    """Publish, archive or restore a general article, or approve a proposal."""
    _require(
        who.role in (BEHEERDER, EINDREDACTEUR),
        "Alleen een eindredacteur mag algemene teksten publiceren. Je kunt je wijziging wel voorstellen.",
    )


def proposes_general(who: Principal) -> None:
    _require(who.role in (BEHEERDER, REDACTEUR, EINDREDACTEUR), "Je mag geen wijzigingen voorstellen.")


def edits_local(who: Principal, municipalities: Iterable[str]) -> None:
    """Change a local version that is (or will be) used in MUNICIPALITIES: all of them must be yours.

    So a regional text (one local version for several municipalities, such as
    flevoland-wijkteam) belongs to all of them together: only a redacteur who
    works for every one of them changes it, e.g. one given the whole province
    (`--municipality Flevoland`), and never adds a municipality that is not
    theirs. A redacteur of one of them writes that municipality's own version
    instead, which wins there over the regional text (answers.local_version).
    """
    _require(who.role in (BEHEERDER, REDACTEUR, EINDREDACTEUR), "Alleen de redactie mag lokale teksten wijzigen.")
    if who.role == REDACTEUR:
        others = [m for m in municipalities if not who.covers(m)]
        _require(not others, f"Je mag alleen teksten van je eigen gemeente wijzigen, niet van {', '.join(others)}.")


def checks_sources(who: Principal) -> None:
    _require(
        who.role in (BEHEERDER, EINDREDACTEUR),
        "Alleen een eindredacteur mag vastleggen dat de bronnen zijn gecontroleerd.",
    )


def sees_insights(who: Principal) -> None:
    _require(who.role in (BEHEERDER, REDACTEUR, EINDREDACTEUR), "Alleen de redactie mag de inzichten bekijken.")


def handles_tickets(who: Principal) -> None:
    _require(who.role in (BEHEERDER, MEDEWERKER), "Alleen medewerkers mogen gesprekken met ouders bekijken.")


def sees_ticket(who: Principal, municipality: Optional[str]) -> None:
    """A medewerker sees the tickets of their municipalities, and those whose
    municipality is not known yet (someone must answer them quickly)."""
    handles_tickets(who)
    _require(municipality is None or who.covers(municipality), "Dit gesprek hoort bij een andere gemeente.")


def finishes_ticket(who: Principal, municipality: Optional[str], taken_by: Optional[str]) -> None:
    """Close or hand back: only the one who took the ticket, or a beheerder."""
    sees_ticket(who, municipality)
    _require(
        who.role == BEHEERDER or (taken_by is not None and taken_by == who.username),
        "Alleen wie het gesprek heeft aangenomen, mag het afsluiten of teruggeven.",
    )


def manages_accounts(who: Principal) -> None:
    _require(who.role == BEHEERDER, "Alleen een beheerder mag accounts beheren.")
