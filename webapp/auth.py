"""Staff login in the web app: session cookie, CSRF check, page and API guards.

The cookie (`jb_sessie`) holds a random token: HttpOnly, SameSite=Lax, Secure
unless COOKIE_SECURE=0 (development on http://localhost). Every state-changing
request (POST, PUT, DELETE) must send the session's CSRF token, in the
`X-CSRF-Token` header (the pages' scripts) or the `csrf` form field (forms),
and may not come from another site (Origin). Who may do what is decided in
knowledge.accounts.permissions, per object.
"""

from __future__ import annotations

import secrets
from typing import Dict, Optional
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import Depends, HTTPException, Request, Response, status

from knowledge.accounts import sessions
from knowledge.accounts.sessions import Current
from knowledge.config import settings
from knowledge.db import session_scope

COOKIE = "jb_sessie"
LOGIN_CSRF_COOKIE = "jb_login_csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def session_token(request: Request) -> Optional[str]:
    return request.cookies.get(COOKIE)


def who_is(request: Request) -> Optional[Current]:
    with session_scope() as session:
        return sessions.current(session, session_token(request))


def api_user(request: Request) -> Current:
    """The logged-in staff member; 401 for the API otherwise."""
    found = who_is(request)
    if found is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Je bent niet ingelogd. Log eerst in via /login.")
    return found


def page_user(request: Request) -> Current:
    """The logged-in staff member; otherwise the browser goes to the login page."""
    found = who_is(request)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": f"/login?next={quote(target)}"})
    return found


def same_site(request: Request) -> bool:
    """False when the browser says the request comes from another site.

    Browsers send Sec-Fetch-Site; older ones an Origin (or Referer). "Origin: null"
    (sent under Referrer-Policy: no-referrer) says nothing, so the CSRF token decides.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def form(request: Request) -> Dict[str, str]:
    """The fields of an application/x-www-form-urlencoded body (no multipart needed); the first value each."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    values = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in values.items()}


async def form_field(request: Request, name: str) -> Optional[str]:
    """One field of a form body."""
    return (await form(request)).get(name)


def new_form_token() -> str:
    """For a form without a login (log in, set a password): a token in the form and in a cookie."""
    return secrets.token_urlsafe(24)


def form_token_ok(request: Request, fields: Dict[str, str]) -> bool:
    """The form of a page without a login came from this site and carries the cookie's token."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = fields.get("csrf", "")
    return same_site(request) and bool(expected) and secrets.compare_digest(sent.encode(), expected.encode())


async def writer(request: Request, who: Current = Depends(api_user)) -> Current:
    """For every state-changing request: logged in, same site, right CSRF token."""
    if request.method in SAFE_METHODS:
        return who
    if not same_site(request):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Dit verzoek komt van een andere website en is geweigerd.")
    token = request.headers.get("x-csrf-token") or await form_field(request, "csrf") or ""
    if not secrets.compare_digest(token.encode(), who.csrf.encode()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "De beveiligingscode ontbreekt of is verlopen. Laad de pagina opnieuw."
        )
    return who


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings().session_hours * 3600,
        httponly=True,
        secure=settings().cookie_secure,
        samesite="lax",
        path="/",
    )


def set_login_csrf_cookie(response: Response, value: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, value, max_age=3600, httponly=True, secure=settings().cookie_secure, samesite="strict"
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=settings().cookie_secure, httponly=True, samesite="lax")
