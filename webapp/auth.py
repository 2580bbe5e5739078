"""Login for editors and staff: HTTP Basic against STAFF_USERS."""

from __future__ import annotations

import secrets

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from knowledge.config import settings

_basic = HTTPBasic(realm="Medewerkers")


def staff_user(credentials: HTTPBasicCredentials = Depends(_basic)) -> str:
    """The logged-in staff member's name; 401 otherwise."""
    expected = settings().staff_users.get(credentials.username)
    if expected is None or not secrets.compare_digest(credentials.password.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Onjuiste naam of wachtwoord.",
            headers={"WWW-Authenticate": 'Basic realm="Medewerkers"'},
        )
    return credentials.username
