"""Staff accounts from the command line. The password is read from standard input.

    python -m knowledge.users create --username anna --role redacteur --municipality Amersfoort
    python -m knowledge.users create --username bob --role eindredacteur --link --site https://chat.example.nl
                                                            # no password: a one-time link for bob to choose it
    python -m knowledge.users link --username anna --site https://chat.example.nl   # a new one-time link
    python -m knowledge.users password --username anna      # a new password (ends her sessions)
    python -m knowledge.users deactivate --username anna
    python -m knowledge.users list
    python -m knowledge.users dev-account   # JB_ENV=development only (`make run`)

Roles: beheerder, redacteur (--municipality, more than once allowed),
eindredacteur, medewerker (--municipality; '*' = every municipality).
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from typing import Iterable, Optional

from knowledge import audit
from knowledge.accounts import admin, links, store
from knowledge.accounts.permissions import Principal
from knowledge.accounts.roles import BEHEERDER, DESCRIPTIONS, ROLES
from knowledge.config import settings
from knowledge.db import session_scope

DEV_USER = "ontwikkelaar"
# Whoever runs this command on the server may manage accounts; the audit log says "commandline".
COMMANDLINE = Principal("commandline", BEHEERDER)
FIRST_ACCOUNT = (
    "Maak een echt account met: .venv/bin/python -m knowledge.users create --username NAAM "
    "--role beheerder   (het wachtwoord typ je daarna; minstens 12 tekens)"
)


def _read_password() -> str:
    """From a terminal: asked twice, not shown. Otherwise: the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass("Wachtwoord: ")
        if getpass.getpass("Nog een keer: ") != first:
            raise store.AccountError("De twee wachtwoorden zijn niet gelijk.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _run(args: argparse.Namespace) -> str:
    with session_scope() as session:
        if args.command == "list":
            rows = store.all_users(session)
            return "\n".join(
                f"{u.username}\t{u.role}\t{', '.join(u.municipalities) or '-'}\t{'actief' if u.active else 'uit'}"
                for u in rows
            )
        if args.command == "create" and args.link:
            code = admin.create(session, COMMANDLINE, args.username, args.role, args.municipality or [])
            return f"Account {args.username.strip().lower()} gemaakt: {args.role}.\n{_link_text(args.site, code)}"
        if args.command == "link":
            return _link_text(args.site, admin.new_link(session, COMMANDLINE, args.username))
        if args.command == "create":
            user = store.create_user(session, args.username, _read_password(), args.role, args.municipality or [])
            audit.record(session, "commandline", "account-aangemaakt", "user", user.username, None, _public(user))
            return f"Account {user.username} gemaakt: {user.role} ({DESCRIPTIONS[user.role]})."
        found = store.find(session, args.username)
        if found is None:
            raise store.AccountError(f"De gebruiker {args.username} bestaat niet.")
        if args.command == "password":
            store.set_password(session, found, _read_password())
            audit.record(session, "commandline", "wachtwoord-gewijzigd", "user", found.username)
            return f"Nieuw wachtwoord voor {found.username}; open sessies zijn beëindigd."
        store.deactivate(session, found)
        audit.record(session, "commandline", "account-uitgezet", "user", found.username, True, False)
        return f"Account {found.username} staat uit."


def _link_text(site: str, code: str) -> str:
    url = f"{site.rstrip('/')}{links.PATH}?code={code}"
    return f"Eenmalige link, {links.LINK_HOURS} uur geldig (geef hem persoonlijk of via een beveiligd kanaal):\n{url}"


def dev_account() -> str:
    """Development only: a beheerder 'ontwikkelaar' with a new random password each run."""
    if not settings().development:
        raise store.AccountError(
            "Alleen in de ontwikkelmodus (JB_ENV=development). Maak anders een account met create."
        )
    password = secrets.token_urlsafe(12)
    with session_scope() as session:
        user = store.find(session, DEV_USER)
        if user is None:
            user = store.create_user(session, DEV_USER, password, "beheerder")
            audit.record(session, "commandline", "account-aangemaakt", "user", DEV_USER, None, _public(user))
        else:
            store.set_password(session, user, password)
            user.active = True
            audit.record(session, "commandline", "wachtwoord-gewijzigd", "user", DEV_USER)
    return f"Ontwikkelaccount (alleen voor deze run): {DEV_USER} / {password}\n{FIRST_ACCOUNT}"


def _public(user: object) -> dict:
    return {k: getattr(user, k) for k in ("username", "role", "municipalities", "active")}


def main(argv: Optional[Iterable[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.users", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="een nieuw account; het wachtwoord komt van standaardinvoer")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--municipality", action="append", help="voor redacteur en medewerker; mag vaker")
    create.add_argument("--link", action="store_true", help="geen wachtwoord: een eenmalige link om het te kiezen")
    create.add_argument("--site", default="", help="het adres van de web-app, voor de link")
    for name in ("password", "deactivate"):
        sub.add_parser(name).add_argument("--username", required=True)
    link = sub.add_parser("link", help="een nieuwe eenmalige link om een wachtwoord te kiezen")
    link.add_argument("--username", required=True)
    link.add_argument("--site", default="", help="het adres van de web-app, voor de link")
    sub.add_parser("list")
    sub.add_parser("dev-account", help="alleen in de ontwikkelmodus")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        print(dev_account() if args.command == "dev-account" else _run(args))
    except store.AccountError as exc:
        print(f"Niet gelukt: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
