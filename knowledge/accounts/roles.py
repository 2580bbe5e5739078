"""The four roles, in words staff read."""

from __future__ import annotations

from typing import Dict, Tuple

BEHEERDER = "beheerder"
REDACTEUR = "redacteur"
EINDREDACTEUR = "eindredacteur"
MEDEWERKER = "medewerker"
ROLES: Tuple[str, ...] = (BEHEERDER, REDACTEUR, EINDREDACTEUR, MEDEWERKER)
# Roles that work for one or more municipalities ("*" = every municipality).
LOCAL_ROLES = (REDACTEUR, MEDEWERKER)
ALL_MUNICIPALITIES = "*"

DESCRIPTIONS: Dict[str, str] = {
    BEHEERDER: "mag alles: accounts, teksten en gesprekken",
    REDACTEUR: "schrijft de lokale teksten van de eigen gemeente en stelt wijzigingen in algemene teksten voor",
    EINDREDACTEUR: "keurt wijzigingen in algemene teksten goed, publiceert ze en controleert bronnen",
    MEDEWERKER: "neemt gesprekken aan van ouders uit de eigen gemeente",
}
