"""Account admin for the beheerder (/beheer/accounts) and setting your own
password with a one-time link (/wachtwoord-instellen).

Server-rendered forms; every form carries the CSRF token (`writer` checks it),
the rules and the audit entries are in knowledge.accounts.admin. A password
is never shown, sent or typed by the beheerder: the new person sets it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from knowledge import audit
from knowledge.accounts import admin, links, permissions
from knowledge.accounts.roles import DESCRIPTIONS, LOCAL_ROLES, ROLES
from knowledge.accounts.sessions import Current
from knowledge.accounts.store import AccountError
from knowledge.db import session_scope
from webapp import auth
from webapp.auth import page_user, writer
from webapp.templates import templates

router = APIRouter(tags=["beheer"])
BASE = "/beheer/accounts"
DONE = {
    "rol": "De rol en de gemeenten zijn opgeslagen. Dat geldt meteen.",
    "blokkeren": "Het account is geblokkeerd. Open sessies zijn beëindigd.",
    "deblokkeren": "Het account is weer open.",
    "uitzetten": "Het account staat uit. Deze persoon kan niet meer inloggen.",
}


FIELDS = {"role": "rol", "municipalities": "gemeenten", "active": "actief", "geldig_tot": "geldig tot"}
ACTIONS = {
    "account-aangemaakt": "account gemaakt",
    "wachtwoord-ingesteld": "wachtwoord gekozen met de link",
    "rol-gewijzigd": "rol of gemeenten gewijzigd",
    "account-gedeblokkeerd": "weer opengezet",
}


def readable(value: Any) -> str:
    """An old or new value of the audit log in words (no Python notation)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict):
        return "; ".join(f"{FIELDS.get(k, k)}: {readable(v) or '–'}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join("alle gemeenten" if v == "*" else readable(v) for v in value)
    try:
        return dt.datetime.fromisoformat(str(value)).strftime("%d-%m-%Y %H:%M")  # a date and time (UTC)
    except ValueError:
        return str(value)


def _history(entry: Dict[str, Any]) -> Dict[str, Any]:
    action = entry["action"]
    return {
        **entry,
        "action": ACTIONS.get(action, action.replace("account-", "").replace("-", " ")),
        "old": readable(entry["old"]),
        "new": readable(entry["new"]),
    }


def _render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    values = {"roles": ROLES, "descriptions": DESCRIPTIONS, "local_roles": LOCAL_ROLES, **context}
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _places(text: str) -> List[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def _list_page(request: Request, who: Current, status_code: int = 200, **context: Any) -> Response:
    with session_scope() as session:
        accounts = admin.overview(session, who.principal)
    values = {"error": None, "form": {"username": "", "role": "redacteur", "municipalities": ""}, **context}
    return _render(request, "beheer_accounts.html", status_code, who=who, accounts=accounts, **values)


@router.get(BASE, response_class=HTMLResponse)
def accounts_page(request: Request, who: Current = Depends(page_user)) -> Response:
    permissions.manages_accounts(who.principal)
    return _list_page(request, who)


def _link_page(request: Request, who: Current, username: str, code: str, new: bool) -> Response:
    url = f"{str(request.base_url).rstrip('/')}{links.PATH}?code={code}"
    return _render(request, "beheer_link.html", who=who, username=username, url=url, new=new, hours=links.LINK_HOURS)


@router.post(BASE, response_class=HTMLResponse)
async def create_account(request: Request, who: Current = Depends(writer)) -> Response:
    permissions.manages_accounts(who.principal)
    form = await auth.form(request)
    fields = {k: form.get(k, "").strip() for k in ("username", "role", "municipalities")}
    try:
        with session_scope() as session:
            code = admin.create(
                session, who.principal, fields["username"], fields["role"], _places(fields["municipalities"])
            )
    except AccountError as exc:
        return _list_page(request, who, 422, error=str(exc), form=fields)
    return _link_page(request, who, fields["username"].lower(), code, new=True)


def _account_page(
    request: Request, who: Current, username: str, status_code: int = 200, error: Optional[str] = None, done: str = ""
) -> Response:
    with session_scope() as session:
        user = admin.get(session, who.principal, username)
        account = admin.account(session, user)
        history = [_history(audit.as_dict(e)) for e in audit.entries(session, "user", user.username, limit=50)]
    return _render(
        request,
        "beheer_account.html",
        status_code,
        who=who,
        account=account,
        history=history,
        error=error,
        done=DONE.get(done),
    )


@router.get(BASE + "/{username}", response_class=HTMLResponse)
def account_page(request: Request, username: str, gedaan: str = "", who: Current = Depends(page_user)) -> Response:
    permissions.manages_accounts(who.principal)
    try:
        return _account_page(request, who, username, done=gedaan)
    except AccountError as exc:
        return _list_page(request, who, 404, error=str(exc))


@router.post(BASE + "/{username}/{action}", response_class=HTMLResponse)
async def change_account(request: Request, username: str, action: str, who: Current = Depends(writer)) -> Response:
    """rol (role and municipalities), blokkeren, deblokkeren, link (a new password link), uitzetten."""
    permissions.manages_accounts(who.principal)
    form = await auth.form(request)
    try:
        with session_scope() as session:
            if action == "rol":
                admin.change(
                    session, who.principal, username, form.get("role", ""), _places(form.get("municipalities", ""))
                )
            elif action == "blokkeren":
                admin.lock(session, who.principal, username)
            elif action == "deblokkeren":
                admin.unlock(session, who.principal, username)
            elif action == "uitzetten":
                if form.get("zeker") != "ja":
                    raise AccountError("Vink eerst aan dat je het account echt wilt uitzetten.")
                admin.deactivate(session, who.principal, username)
            elif action == "link":
                code = admin.new_link(session, who.principal, username)
            else:
                raise AccountError("Deze actie bestaat niet.")
    except AccountError as exc:
        try:
            return _account_page(request, who, username, 422, error=str(exc))
        except AccountError:  # no such account
            return _list_page(request, who, 404, error=str(exc))
    if action == "link":
        return _link_page(request, who, username, code, new=False)
    return RedirectResponse(f"{BASE}/{username}?gedaan={action}", status_code=303)


# ---------- the person sets their own password ----------


def _password_page(request: Request, code: str, status_code: int = 200, **context: Any) -> Response:
    token = auth.new_form_token()
    values: Dict[str, Any] = {"csrf": token, "code": code, "error": None, "username": None, "done": False, "who": None}
    values.update(context)
    response = _render(request, "wachtwoord.html", status_code, **values)
    auth.set_login_csrf_cookie(response, token)
    return response


@router.get(links.PATH, response_class=HTMLResponse)
def password_page(request: Request, code: str = "") -> Response:
    with session_scope() as session:
        user = links.holder(session, code)
        username = user.username if user is not None else None
    if username is None:
        return _password_page(
            request, "", 410, error="Deze link werkt niet meer. Vraag de beheerder om een nieuwe link."
        )
    return _password_page(request, code, username=username)


@router.post(links.PATH, response_class=HTMLResponse)
async def set_password(request: Request) -> Response:
    form = await auth.form(request)
    code = form.get("code", "")
    if not auth.form_token_ok(request, form):
        return _password_page(request, code, 403, error="De pagina was verlopen. Probeer het nog eens.")
    try:
        with session_scope() as session:
            user = admin.set_own_password(session, code, form.get("password", ""), form.get("again", ""))
            username = user.username
    except AccountError as exc:
        with session_scope() as session:
            holder = links.holder(session, code)
            name = holder.username if holder is not None else None
        return _password_page(request, code if name else "", 422, error=str(exc), username=name)
    response = _password_page(request, "", done=True, username=username)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE)
    return response
