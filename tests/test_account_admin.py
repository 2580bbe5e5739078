"""The beheerder's account pages over HTTP (test client, real database): only a
beheerder, CSRF on every form, one-time password links instead of passwords,
role changes, blocking, turning off, and every change in the audit log."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from knowledge.accounts import links
from knowledge.config import settings
from knowledge.db import session_scope
from knowledge.models import AuditEntry, PasswordLink, User
from tests.staff_accounts import STAFF, logged_in, login

LINK = re.compile(r'value="(https?://[^"]+/wachtwoord-instellen\?code=([^"]+))"')
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
NEW_PASSWORD = "lange zin als wachtwoord 7"


def beheer(client: TestClient) -> str:
    return logged_in(client, "beheer")


def make(client: TestClient, csrf: str, username: str, role: str, places: str = "") -> Tuple[Any, str]:
    """Make an account through the form; the response and the code of its link."""
    response = client.post(
        "/beheer/accounts", data={"csrf": csrf, "username": username, "role": role, "municipalities": places}
    )
    found = LINK.search(response.text)
    return response, found.group(2) if found else ""


def set_password(app: Any, code: str, password: str, again: str) -> Any:
    """The new person's own browser: open the link, type the password twice."""
    browser = TestClient(app, base_url="https://testserver")
    page = browser.get(f"/wachtwoord-instellen?code={code}")
    token = CSRF.search(page.text)
    assert token, page.text
    form = {"csrf": token.group(1), "code": code, "password": password, "again": again}
    return browser.post("/wachtwoord-instellen", data=form)


def audit_of(username: str) -> List[Tuple[str, str, Any, Any]]:
    with session_scope() as session:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.object_type == "user", AuditEntry.object_key == username)
        ).scalars()
        return [(r.actor, r.action, r.old_value, r.new_value) for r in rows]


def fresh(client: TestClient) -> TestClient:
    return TestClient(client.app, base_url="https://testserver")


@pytest.mark.parametrize("name", ["red-amersfoort", "eind", "anna"])
def test_only_a_beheerder_gets_the_account_pages(client: TestClient, name: str) -> None:
    csrf = logged_in(client, name)
    assert client.get("/beheer/accounts").status_code == 403
    assert client.get("/beheer/accounts/anna").status_code == 403
    refused = client.post("/beheer/accounts", data={"csrf": csrf, "username": "nieuw", "role": "beheerder"})
    assert refused.status_code == 403
    assert client.post("/beheer/accounts/beheer/uitzetten", data={"csrf": csrf, "zeker": "ja"}).status_code == 403
    with session_scope() as session:
        assert session.execute(select(User).where(User.username == "nieuw")).first() is None
        assert session.execute(select(User.active).where(User.username == "beheer")).scalar_one() is True


def test_without_login_the_page_asks_to_log_in_and_forms_are_refused(client: TestClient) -> None:
    page = client.get("/beheer/accounts", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/beheer/accounts"
    assert client.post("/beheer/accounts", data={"username": "x", "role": "beheerder"}).status_code == 401


def test_every_form_needs_the_csrf_token_and_the_same_site(client: TestClient) -> None:
    csrf = beheer(client)
    page = client.get("/beheer/accounts")
    assert page.status_code == 200 and "red-almere" in page.text
    assert CSRF.search(page.text).group(1) == csrf  # type: ignore[union-attr]
    assert client.post("/beheer/accounts", data={"username": "zonder", "role": "eindredacteur"}).status_code == 403
    wrong = client.post("/beheer/accounts", data={"csrf": "fout", "username": "zonder", "role": "eindredacteur"})
    assert wrong.status_code == 403
    cross = client.post(
        "/beheer/accounts/anna/blokkeren", data={"csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    assert '<dd id="status">actief</dd>' in client.get("/beheer/accounts/anna").text
    assert audit_of("zonder") == [] and not [a for a in audit_of("anna") if a[1] == "account-geblokkeerd"]


def test_a_new_account_gets_a_one_time_link_and_sets_its_own_password(client: TestClient) -> None:
    csrf = beheer(client)
    made, code = make(client, csrf, "Nieuwe.Collega", "redacteur", "Amersfoort")
    assert made.status_code == 200 and code, made.text
    assert made.headers["cache-control"] == "no-store" and "48 uur" in made.text
    with session_scope() as session:  # only a hash of the code is kept
        stored = session.execute(select(PasswordLink.token_hash)).scalars().all()
        assert code not in str(stored) and len(stored) == 1
        user = session.execute(select(User).where(User.username == "nieuwe.collega")).scalar_one()
        assert user.role == "redacteur" and user.municipalities == ["Amersfoort"]
    assert login(fresh(client), "nieuwe.collega", "").status_code == 401  # no password yet: nothing opens it

    assert set_password(client.app, code, NEW_PASSWORD, NEW_PASSWORD + "x").status_code == 422
    weak = set_password(client.app, code, "kort", "kort")
    assert weak.status_code == 422 and "te kort" in weak.text
    done = set_password(client.app, code, NEW_PASSWORD, NEW_PASSWORD)
    assert done.status_code == 200 and "Je wachtwoord is ingesteld" in done.text
    used = fresh(client).get(f"/wachtwoord-instellen?code={code}")
    assert used.status_code == 410 and "werkt niet meer" in used.text  # once only

    newcomer = fresh(client)
    assert login(newcomer, "nieuwe.collega", NEW_PASSWORD).status_code == 200
    assert newcomer.get("/api/v1/me").json()["role"] == "redacteur"

    log = audit_of("nieuwe.collega")
    assert [a[:2] for a in log] == [
        ("beheer", "account-aangemaakt"),
        ("beheer", "wachtwoordlink-gemaakt"),
        ("nieuwe.collega", "wachtwoord-ingesteld"),
        ("nieuwe.collega", "ingelogd"),
    ]
    assert log[0][3] == {"role": "redacteur", "municipalities": ["Amersfoort"], "active": True}
    assert code not in str(log) and NEW_PASSWORD not in str(log)


def test_wrong_input_is_explained_and_kept(client: TestClient) -> None:
    csrf = beheer(client)
    for username, role, places, reason in (
        ("anna", "medewerker", "Almere", "bestaat al"),
        ("nieuw", "medewerker", "", "minstens één gemeente"),
        ("nieuw", "redacteur", "Atlantis", "ken ik niet"),
        ("nieuw", "eindredacteur", "Almere", "geef geen gemeente op"),
        ("Niet Goed!", "beheerder", "", "kleine letters"),
    ):
        response, code = make(client, csrf, username, role, places)
        assert response.status_code == 422 and reason in response.text and not code
        assert f'value="{places}"' in response.text  # the form keeps what was typed


def test_a_link_expires_and_a_new_link_replaces_the_old_one(client: TestClient) -> None:
    csrf = beheer(client)
    _, first = make(client, csrf, "tijdelijk", "eindredacteur")
    again = client.post("/beheer/accounts/tijdelijk/link", data={"csrf": csrf})
    second = LINK.search(again.text).group(2)  # type: ignore[union-attr]
    assert second != first
    assert fresh(client).get(f"/wachtwoord-instellen?code={first}").status_code == 410
    assert fresh(client).get(f"/wachtwoord-instellen?code={second}").status_code == 200
    with session_scope() as session:
        for row in session.execute(select(PasswordLink)).scalars():
            row.expires_at = row.expires_at.replace(year=2000)
    assert fresh(client).get(f"/wachtwoord-instellen?code={second}").status_code == 410
    assert set_password_refused(client, second)


def set_password_refused(client: TestClient, code: str) -> bool:
    browser = fresh(client)
    page = browser.get("/login")  # any page of ours gives the form cookie
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    browser.cookies.set("jb_login_csrf", token)
    sent = browser.post(
        "/wachtwoord-instellen", data={"csrf": token, "code": code, "password": NEW_PASSWORD, "again": NEW_PASSWORD}
    )
    return sent.status_code == 422 and "werkt niet meer" in sent.text


def test_role_and_municipalities_change_at_once_and_a_province_means_all_its_municipalities(
    client: TestClient,
) -> None:
    csrf = beheer(client)
    red = fresh(client)
    logged_in(red, "red-almere")
    assert red.get("/staff").status_code == 403
    changed = client.post(
        "/beheer/accounts/red-almere/rol", data={"csrf": csrf, "role": "medewerker", "municipalities": "Flevoland"}
    )
    assert changed.status_code == 200 and "opgeslagen" in changed.text  # after the redirect
    assert red.get("/staff").status_code == 200  # the next request already has the new role
    places = red.get("/api/v1/me").json()["municipalities"]
    assert places == ["Almere", "Dronten", "Lelystad", "Noordoostpolder", "Urk", "Zeewolde"]
    assert audit_of("red-almere")[-1] == (
        "beheer",
        "rol-gewijzigd",
        {"role": "redacteur", "municipalities": ["Almere"], "active": True},
        {"role": "medewerker", "municipalities": places, "active": True},
    )
    utrecht = client.post(
        "/beheer/accounts/mw-urk/rol", data={"csrf": csrf, "role": "medewerker", "municipalities": "Utrecht"}
    )
    assert utrecht.status_code == 200
    with session_scope() as session:  # Utrecht is the city; "provincie Utrecht" would be the province
        assert session.execute(select(User.municipalities).where(User.username == "mw-urk")).scalar() == ["Utrecht"]


def test_blocking_ends_the_session_at_once_and_unblocking_also_lifts_a_lock_out(client: TestClient) -> None:
    csrf = beheer(client)
    eind = fresh(client)
    logged_in(eind, "eind")
    blocked = client.post("/beheer/accounts/eind/blokkeren", data={"csrf": csrf})
    assert blocked.status_code == 200 and "Open sessies zijn beëindigd" in blocked.text
    assert eind.get("/api/v1/me").status_code == 401
    refused = login(fresh(client), "eind")
    assert refused.status_code == 401 and "geblokkeerd" in refused.text
    assert "geblokkeerd" not in login(fresh(client), "eind", "verkeerd-wachtwoord-1").text  # only with the password

    assert client.post("/beheer/accounts/eind/deblokkeren", data={"csrf": csrf}).status_code == 200
    assert login(fresh(client), "eind").status_code == 200

    for _ in range(settings().login_max_failures):
        login(fresh(client), "eind", "raden-raden-raden")
    assert login(fresh(client), "eind").status_code == 429
    assert "te vaak een verkeerd wachtwoord" in client.get("/beheer/accounts/eind").text
    client.post("/beheer/accounts/eind/deblokkeren", data={"csrf": csrf})
    assert login(fresh(client), "eind").status_code == 200
    actions = [a[1] for a in audit_of("eind") if a[0] == "beheer"]
    assert actions == ["account-geblokkeerd", "account-gedeblokkeerd", "account-gedeblokkeerd"]


def test_turning_off_is_confirmed_final_and_never_yourself(client: TestClient) -> None:
    csrf = beheer(client)
    _, code = make(client, csrf, "vertrekt", "medewerker", "Urk")
    unconfirmed = client.post("/beheer/accounts/vertrekt/uitzetten", data={"csrf": csrf})
    assert unconfirmed.status_code == 422 and "Vink eerst aan" in unconfirmed.text
    off = client.post("/beheer/accounts/vertrekt/uitzetten", data={"csrf": csrf, "zeker": "ja"})
    assert off.status_code == 200 and "staat uit" in off.text
    assert fresh(client).get(f"/wachtwoord-instellen?code={code}").status_code == 410  # its link is gone
    assert "werkt niet meer" in fresh(client).get(f"/wachtwoord-instellen?code={code}").text
    assert client.post("/beheer/accounts/vertrekt/link", data={"csrf": csrf}).status_code == 422

    own: Dict[str, str] = {"csrf": csrf, "zeker": "ja"}
    for action, data in (("uitzetten", own), ("blokkeren", own), ("rol", {**own, "role": "redacteur"})):
        response = client.post(f"/beheer/accounts/beheer/{action}", data={**data, "municipalities": "Urk"})
        assert response.status_code == 422 and "eigen account" in response.text
    assert client.get("/api/v1/me").json()["role"] == "beheerder"
    with session_scope() as session:
        assert session.execute(select(User.active).where(User.username == "vertrekt")).scalar() is False
    assert ("beheer", "account-uitgezet", True, False) in audit_of("vertrekt")
    assert STAFF["beheer"] not in client.get("/beheer/accounts/beheer").text


def test_the_link_module_refuses_unknown_and_empty_codes(seeded_db: str) -> None:
    with session_scope() as session:
        assert links.holder(session, None) is None and links.holder(session, "onzin") is None


def test_the_account_page_tells_the_history_in_words_and_others_get_a_page_saying_why(client: TestClient) -> None:
    csrf = beheer(client)
    client.post(
        "/beheer/accounts/red-almere/rol", data={"csrf": csrf, "role": "redacteur", "municipalities": "Almere, Urk"}
    )
    page = client.get("/beheer/accounts/red-almere").text
    assert "rol of gemeenten gewijzigd" in page and "gemeenten: Almere, Urk" in page and "actief: ja" in page
    assert "{" not in page.split("<h2>Geschiedenis</h2>")[1]  # no Python notation
    red = fresh(client)
    logged_in(red, "red-amersfoort")
    refused = red.get("/beheer/accounts", headers={"Accept": "text/html"})
    assert refused.status_code == 403 and "Alleen een beheerder mag accounts beheren." in refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert red.get("/beheer/accounts").json()["detail"] == "Alleen een beheerder mag accounts beheren."


def test_an_account_that_does_not_exist_is_said_so(client: TestClient) -> None:
    csrf = beheer(client)
    assert client.get("/beheer/accounts/niemand").status_code == 404
    for action in ("blokkeren", "link", "rol", "uitzetten"):
        response = client.post(f"/beheer/accounts/niemand/{action}", data={"csrf": csrf, "zeker": "ja"})
        assert response.status_code == 404 and "bestaat niet" in response.text
    assert client.post("/beheer/accounts/anna/verwijderen", data={"csrf": csrf}).status_code == 422


def test_the_command_line_gives_a_link_instead_of_asking_a_password(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from knowledge import users

    args = [
        "create",
        "--username",
        "cli-eind",
        "--role",
        "eindredacteur",
        "--link",
        "--site",
        "https://chat.example.nl/",
    ]
    assert users.main(args) == 0
    printed = capsys.readouterr().out
    found = re.search(r"https://chat\.example\.nl/wachtwoord-instellen\?code=(\S+)", printed)
    assert found and "48 uur" in printed
    assert set_password(client.app, found.group(1), NEW_PASSWORD, NEW_PASSWORD).status_code == 200
    assert users.main(["link", "--username", "cli-eind"]) == 0
    again = re.search(r"/wachtwoord-instellen\?code=(\S+)", capsys.readouterr().out)
    assert again and again.group(1) != found.group(1)
    assert [a[:2] for a in audit_of("cli-eind")][:2] == [
        ("commandline", "account-aangemaakt"),
        ("commandline", "wachtwoordlink-gemaakt"),
    ]
