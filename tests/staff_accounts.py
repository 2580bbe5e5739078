"""Test-only staff accounts, made in the test databases (never in a real one),
and logging in as them over the test client or real HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional, Tuple

from knowledge.accounts import store
from knowledge.db import session_scope

# name: (password, role, municipalities)
ACCOUNTS: Dict[str, Tuple[str, str, List[str]]] = {
    "anna": ("test-wachtwoord-a1", "medewerker", ["*"]),
    "bob": ("test-wachtwoord-b22", "medewerker", ["*"]),
    "mw-almere": ("almere-medewerker-333", "medewerker", ["Almere"]),
    "mw-urk": ("urk-medewerker-4444", "medewerker", ["Urk"]),
    "red-amersfoort": ("amersfoort-redactie-55", "redacteur", ["Amersfoort"]),
    "red-almere": ("almere-redactie-666", "redacteur", ["Almere"]),
    "eind": ("test-wachtwoord-e7777", "eindredacteur", []),
    "beheer": ("test-wachtwoord-h88888", "beheerder", []),
}
# A local version for Amersfoort of the article wijkteam, as a redacteur writes it.
LOCAL_AMERSFOORT = {
    "article": "wijkteam",
    "municipalities": ["Amersfoort"],
    "mode": "replace",
    "short_answer": "In Amersfoort ga je naar het Sociaal Wijkteam aan de Stadsring. Je kunt ook bellen.",
    "sources": [{"title": "Gemeente Amersfoort", "url": "https://www.amersfoort.nl"}],
}
STAFF = {name: password for name, (password, _role, _places) in ACCOUNTS.items()}
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def create_accounts(url: Optional[str] = None) -> None:
    with session_scope(url) as session:
        for name, (password, role, places) in ACCOUNTS.items():
            store.create_user(session, name, password, role, places)


def login(client: Any, name: str, password: Optional[str] = None) -> Any:
    """Log in through the login form (a FastAPI TestClient); the final response."""
    page = client.get("/login")
    csrf = CSRF_FIELD.search(page.text)
    assert csrf, page.text
    form = {"username": name, "password": STAFF[name] if password is None else password, "csrf": csrf.group(1)}
    return client.post(
        "/login", content=urllib.parse.urlencode(form), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )


def logged_in(client: Any, name: str) -> str:
    """Log in as NAME; the CSRF token to send with changes."""
    response = login(client, name)
    assert response.status_code in (200, 303), response.text
    me = client.get("/api/v1/me")
    assert me.status_code == 200, me.text
    return str(me.json()["csrf"])


def as_user(app: Any, name: str) -> Any:
    """A test client of APP logged in as NAME, sending its CSRF token with every change."""
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url="https://testserver")
    client.headers["X-CSRF-Token"] = logged_in(client, name)
    return client


class StaffHTTP:
    """A staff member's browser over real HTTP: cookie jar, login form, CSRF header."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{base}/login", timeout=30).read().decode()
        match = CSRF_FIELD.search(page)
        assert match, page
        form = urllib.parse.urlencode({"username": name, "password": STAFF[name], "csrf": match.group(1)}).encode()
        self.opener.open(urllib.request.Request(f"{base}/login", data=form, method="POST"), timeout=30)
        self.csrf = self.call("GET", "/api/v1/me")[1]["csrf"]

    def call(self, method: str, path: str, body: Any = None) -> Tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if method != "GET" and getattr(self, "csrf", None):
            headers["X-CSRF-Token"] = self.csrf
        data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")


def browser_login(page: Any, base: str, name: str, target: str) -> None:
    """Log in through the login page in a real browser (Playwright), then open TARGET."""
    page.goto(f"{base}/login?next={urllib.parse.quote(target)}")
    page.fill("#username", name)
    page.fill("#password", STAFF[name])
    page.click(".login button[type=submit]")
    page.wait_for_url(f"{base}{target}*", timeout=15000)
