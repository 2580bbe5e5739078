"""Accounts over HTTP (test client, real database): login, logout, cookies, CSRF,
cross-site requests, throttling and lock-out, the account command, no defaults."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from knowledge.accounts import sessions
from knowledge.config import settings
from knowledge.db import session_scope
from knowledge.models import AuditEntry, LoginSession, User
from tests.staff_accounts import STAFF, logged_in, login

ROOT = Path(__file__).resolve().parent.parent


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(client: TestClient) -> None:
    response = login(client, "red-amersfoort")
    assert response.status_code == 200 and response.url.path == "/editor"  # redirected after login
    cookie = next(h for h in response.history[0].headers.get_list("set-cookie") if h.startswith("jb_sessie="))
    flags = cookie.lower()
    assert "httponly" in flags and "secure" in flags and "samesite=lax" in flags
    token = cookie.split(";")[0].split("=", 1)[1]
    with session_scope() as session:  # only a hash of the token is stored
        assert session.execute(select(LoginSession.token_hash)).scalars().all() == [sessions._hash(token)]
    me = client.get("/api/v1/me").json()
    assert me["username"] == "red-amersfoort" and me["role"] == "redacteur" and me["municipalities"] == ["Amersfoort"]

    assert client.post("/logout").status_code == 403  # no CSRF token
    out = client.post("/logout", data={"csrf": me["csrf"]}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login?uit=1"
    assert client.get("/api/v1/me").status_code == 401
    again = TestClient(client.app, base_url="https://testserver", cookies={"jb_sessie": token})
    assert again.get("/api/v1/me").status_code == 401  # the old cookie is worthless now
    with session_scope() as session:
        actions = session.execute(select(AuditEntry.action).where(AuditEntry.actor == "red-amersfoort")).scalars()
        assert list(actions) == ["ingelogd", "uitgelogd"]


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(client: TestClient) -> None:
    page = client.get("/inzichten", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/inzichten"
    form = client.get("/login", params={"next": "//evil.example/x"}).text
    assert 'name="next" value=""' in form
    form = client.get("/login", params={"next": "/inzichten"}).text
    assert 'name="next" value="/inzichten"' in form


def test_wrong_password_is_refused_in_dutch_and_the_same_for_unknown_names(client: TestClient) -> None:
    wrong = login(client, "eind", "fout-wachtwoord")
    unknown = login(client, "niemand", "fout-wachtwoord")
    assert wrong.status_code == unknown.status_code == 401
    assert "klopt niet" in wrong.text and "klopt niet" in unknown.text
    assert client.get("/api/v1/me").status_code == 401


def test_repeated_failures_lock_the_account_then_it_opens_again(client: TestClient) -> None:
    for _ in range(settings().login_max_failures):
        assert login(client, "eind", "raden-raden-raden").status_code == 401
    locked = login(client, "eind")  # even the right password is not checked now
    assert locked.status_code == 429 and "Te vaak" in locked.text
    assert int(locked.headers["retry-after"]) > 60
    assert login(client, "beheer").status_code == 200  # another account is not locked
    later = dt.datetime.utcnow() + dt.timedelta(minutes=settings().lockout_minutes + 1)
    with session_scope() as session:
        started = sessions.log_in(session, "eind", STAFF["eind"], now=later)
    assert started.principal.role == "eindredacteur"


def test_unknown_names_are_throttled_too(client: TestClient) -> None:
    for _ in range(settings().login_max_failures):
        login(client, "gok", "iets-anders-123")
    assert login(client, "gok", "iets-anders-123").status_code == 429


def test_every_change_needs_the_csrf_token_and_the_same_site(client: TestClient) -> None:
    csrf = logged_in(client, "beheer")
    article = {"title": "x", "short_answer": "x", "sources": [{"title": "x"}]}
    assert client.put("/api/v1/articles/test", json=article).status_code == 403
    assert client.put("/api/v1/articles/test", json=article, headers={"X-CSRF-Token": "verzonnen"}).status_code == 403
    evil = {"X-CSRF-Token": csrf, "Origin": "https://evil.example"}
    refused = client.put("/api/v1/articles/test", json=article, headers=evil)
    assert refused.status_code == 403 and "andere website" in refused.json()["detail"]
    assert client.post("/staff/api/tickets/x/take", headers=evil).status_code == 403
    assert client.post("/logout", data={"csrf": csrf}, headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/logout", data={"csrf": csrf}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    ok = {"X-CSRF-Token": csrf, "Origin": "https://testserver"}
    assert client.put("/api/v1/articles/test", json=article, headers=ok).status_code == 200


def test_a_login_form_posted_from_elsewhere_is_refused(client: TestClient) -> None:
    fresh = TestClient(client.app, base_url="https://testserver")  # never loaded the login page
    response = fresh.post("/login", data={"username": "eind", "password": STAFF["eind"], "csrf": "x"})
    assert response.status_code == 403 and fresh.get("/api/v1/me").status_code == 401


def test_unauthenticated_writes_are_refused(client: TestClient) -> None:
    assert client.put("/api/v1/local/amersfoort-wijkteam", json={}).status_code == 401
    assert client.post("/staff/api/tickets/x/close").status_code == 401
    assert client.post("/api/v1/editorial/article/wijkteam/checked", json={}).status_code == 401
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_passwords_are_argon2_hashes(seeded_db: str) -> None:
    with session_scope() as session:
        user = session.execute(select(User).where(User.username == "eind")).scalar_one()
        assert user.password_hash.startswith("$argon2id$") and STAFF["eind"] not in user.password_hash


def _users_cli(db: str, *args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "knowledge.users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": db, **(env or {})},
        timeout=120,
    )


def test_no_default_account_exists_and_the_command_makes_the_first(tmp_path: Path) -> None:
    from knowledge.content_io import import_content
    from webapp.app import create_app

    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    import_content(url=db)
    os.environ["DATABASE_URL"] = db
    settings.cache_clear()
    try:
        with TestClient(create_app(), base_url="https://testserver") as fresh:
            for name, password in [("medewerker", "medewerker"), ("admin", "admin"), ("beheerder", "beheerder")]:
                assert login(fresh, name, password).status_code == 401
        with session_scope(db) as session:
            assert session.execute(select(User)).first() is None

        assert _users_cli(db, "dev-account").returncode == 1  # not outside development mode
        weak = _users_cli(db, "create", "--username", "kees", "--role", "redacteur", "--municipality", "Amersfoort")
        assert weak.returncode == 1 and "te kort" in weak.stderr
        nowhere = _users_cli(
            db, "create", "--username", "kees", "--role", "redacteur", stdin="lang-genoeg-wachtwoord\n"
        )
        assert nowhere.returncode == 1 and "gemeente" in nowhere.stderr
        made = _users_cli(
            db,
            "create",
            "--username",
            "kees",
            "--role",
            "redacteur",
            "--municipality",
            "amersfoort",
            stdin="lang-genoeg-wachtwoord\n",
        )
        assert made.returncode == 0, made.stderr
        with TestClient(create_app(), base_url="https://testserver") as app:
            assert login(app, "kees", "lang-genoeg-wachtwoord").status_code == 200
            assert app.get("/api/v1/me").json()["municipalities"] == ["Amersfoort"]

        dev = {"JB_ENV": "development"}
        first, second = _users_cli(db, "dev-account", env=dev), _users_cli(db, "dev-account", env=dev)
        assert first.returncode == second.returncode == 0 and "knowledge.users create" in first.stdout
        assert first.stdout != second.stdout  # a new random password each run, never a fixed one
    finally:
        os.environ.pop("DATABASE_URL", None)
        settings.cache_clear()
