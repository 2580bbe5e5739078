"""Passwords: argon2id hashes (argon2-cffi), never stored or logged in plain text."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
_hasher = PasswordHasher()
# Checked when the user name does not exist, so a wrong name takes as long as a wrong password.
_DUMMY = _hasher.hash("no-such-user-dummy-password")


class WeakPassword(ValueError):
    """The password is too short or too simple; the message says why, in Dutch."""


def check_strength(password: str, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Het wachtwoord is te kort. Gebruik minstens {MIN_LENGTH} tekens.")
    if username and username.casefold() in password.casefold():
        raise WeakPassword("Het wachtwoord mag je gebruikersnaam niet bevatten.")
    if len(set(password)) < 5:
        raise WeakPassword("Het wachtwoord is te eenvoudig. Gebruik meer verschillende tekens.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def spend_time(password: str) -> None:
    """As slow as a real check, for a user name that does not exist."""
    verify(_DUMMY, password)
