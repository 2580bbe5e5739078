"""Log in and out (/login, /logout) and who am I (/api/v1/me)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from knowledge import audit
from knowledge.accounts import sessions
from knowledge.accounts.roles import MEDEWERKER
from knowledge.accounts.sessions import Current
from knowledge.db import session_scope
from webapp import auth
from webapp.templates import templates

router = APIRouter(tags=["inloggen"])


def _safe_next(value: Optional[str]) -> Optional[str]:
    """Only a path on this site (no //other.site, no scheme)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None


def _login_page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    csrf = auth.new_form_token()
    values = {"csrf": csrf, "next": "", "username": "", "error": None, "logged_out": False, "who": None}
    values.update(context)
    response = templates.TemplateResponse(request, "login.html", values, status_code=status_code)
    auth.set_login_csrf_cookie(response, csrf)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: Optional[str] = None, uit: int = 0) -> Response:
    return _login_page(request, next=_safe_next(next) or "", logged_out=bool(uit))


@router.post("/login")
async def login(request: Request) -> Response:
    form = await auth.form(request)
    username = form.get("username", "").strip()[:80]
    target = _safe_next(form.get("next"))
    if not auth.form_token_ok(request, form):
        return _login_page(
            request, 403, next=target or "", username=username, error="De pagina was verlopen. Probeer het nog eens."
        )
    client = request.client.host if request.client else None
    refused: Optional[sessions.LoginRefused] = None
    with session_scope() as session:  # a refusal is caught inside, so the failure count is kept
        try:
            started = sessions.log_in(session, username, form.get("password", ""), client)
            audit.record(session, started.principal.username, "ingelogd", "user", started.principal.username)
        except sessions.LoginRefused as exc:
            refused = exc
    if refused is not None:
        code = 429 if refused.retry_after else 401
        page = _login_page(request, code, next=target or "", username=username, error=str(refused))
        if refused.retry_after:
            page.headers["Retry-After"] = str(refused.retry_after)
        return page
    home = "/staff" if started.principal.role == MEDEWERKER else "/editor"
    response = RedirectResponse(target or home, status_code=303)
    auth.set_session_cookie(response, started.token)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, who: Current = Depends(auth.writer)) -> Response:
    with session_scope() as session:
        sessions.log_out(session, auth.session_token(request))
        audit.record(session, who.principal.username, "uitgelogd", "user", who.principal.username)
    response = RedirectResponse("/login?uit=1", status_code=303)
    auth.clear_session_cookie(response)
    return response


@router.get("/api/v1/me", tags=["inloggen"])
def me(who: Current = Depends(auth.api_user)) -> Dict[str, Any]:
    """Who is logged in, and the CSRF token the pages send with every change."""
    return {
        "username": who.principal.username,
        "role": who.principal.role,
        "municipalities": list(who.principal.municipalities),
        "csrf": who.csrf,
    }
