"""The staff and reference pages in Chromium: login, naslag, print, inzichten, editor.

Its own web app (uvicorn, real HTTP, its own seeded database with the test
accounts); no Rasa needed. axe-core (vendored, pinned) checks WCAG 2.1 A/AA.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from knowledge.content_io import import_content
from tests.helpers import PORTS
from tests.staff_accounts import browser_login, create_accounts

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
AXE_SHA256 = "e9e5863c33a874f09bc01acd9234b7e3c871479f5eef8802fa582544465e6d01"  # axe-core 4.11.0
PORT = PORTS.web + 150
WEB = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def pages_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of the database this module's web app uses."""
    db = tmp_path_factory.mktemp("pages") / "knowledge.db"
    import_content(url=f"sqlite:///{db}")
    create_accounts(f"sqlite:///{db}")
    return f"sqlite:///{db}"


@pytest.fixture(scope="module")
def web(pages_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": pages_db, "COOKIE_SECURE": "0"}
    env["RASA_URL"] = "http://127.0.0.1:9"
    env["RASA_JWT_SECRET"] = secrets.token_urlsafe(32)
    log = (tmp_path_factory.mktemp("pages-log") / "web.log").open("w")
    # As the launcher serves it: the safety model and the retrieval index are
    # ready before the port opens (the first preview would wait ~25 s otherwise).
    command = [sys.executable, "-m", "uvicorn", "--factory", "webapp.app:served_app", "--port", str(PORT)]
    process = subprocess.Popen(
        [*command, "--no-access-log", "--ws", "none"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 240  # a first start fits the safety model (~70 s)
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{WEB}/healthz", timeout=2)
            break
        except (OSError, socket.timeout):
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the web app did not start")
    yield WEB
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(web: str) -> Iterator[Any]:
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (make test installs Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


# Every page of a context reports what its Content-Security-Policy blocked.
CSP_WATCH = """
window.__cspBlocked = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspBlocked.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def watched(browser: Any) -> Any:
    """A browser context whose pages record every CSP violation (see csp_blocked)."""
    context = browser.new_context()
    context.add_init_script(CSP_WATCH)
    return context


def csp_blocked(page: Any) -> List[str]:
    return list(page.evaluate("() => window.__cspBlocked || []"))


def violations(page: Any) -> List[Dict[str, Any]]:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256
    page.evaluate(source.decode("utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    )
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def test_reference_pages_have_no_axe_violations_and_print_on_one_page(browser: Any, web: str) -> None:
    page = browser.new_page()
    for path in (
        "/naslag",
        "/naslag?q=wat+doet+de+raad+voor+de+kinderbescherming&gemeente=Amersfoort",
        "/naslag?fase=rechter",
        "/naslag/artikel/wijkteam",
        "/naslag/begrippen",
        "/login",
    ):
        page.goto(web + path)
        assert violations(page) == [], path
    page.goto(f"{web}/naslag/artikel/ondertoezichtstelling/print?gemeente=Amersfoort")
    assert violations(page) == []
    for slug in ("ondertoezichtstelling", "uithuisplaatsing", "wijkteam"):
        page.goto(f"{web}/naslag/artikel/{slug}/print?gemeente=Amersfoort")
        pdf = page.pdf(format="A4")
        pages = re.search(rb"/Type /Pages\s*/Count (\d+)", pdf) or re.search(rb"/Count (\d+)", pdf)
        assert pages and int(pages.group(1)) == 1, f"{slug}: the print view is more than one A4"
    page.close()


def test_login_throttle_and_logout_in_the_browser(browser: Any, web: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{web}/login")
    page.fill("#username", "red-almere")
    page.fill("#password", "fout")
    page.click(".login button[type=submit]")
    assert "klopt niet" in page.inner_text("#login-error")
    assert violations(page) == []  # the error state too
    browser_login(page, web, "red-almere", "/editor")
    page.wait_for_selector("#articles button", timeout=15000)
    assert "red-almere" in page.inner_text("#userbar")
    assert violations(page) == []
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["jb_sessie"]["httpOnly"] and cookies["jb_sessie"]["sameSite"] == "Lax"
    assert page.evaluate("() => document.cookie").find("jb_sessie") < 0  # scripts cannot read it
    page.goto(f"{web}/inzichten")
    assert violations(page) == []
    refused = page.goto(f"{web}/beheer/accounts")  # not a beheerder: a page that says why
    assert refused is not None and refused.status == 403 and "beheerder" in page.inner_text("#reden")
    assert violations(page) == []
    page.goto(f"{web}/editor")
    page.click("#logout")
    page.wait_for_url(f"{web}/login?uit=1")
    page.goto(f"{web}/editor")
    page.wait_for_url(f"{web}/login?next=**")
    context.close()


def test_a_redacteur_proposes_and_the_eindredacteur_publishes_in_the_editor(browser: Any, web: str) -> None:
    red = watched(browser)
    page = red.new_page()
    browser_login(page, web, "red-amersfoort", "/editor")
    page.click('#articles button[data-slug="wijkteam"]', timeout=15000)
    assert page.inner_text("#a-save") == "Voorstellen aan de eindredactie"
    assert page.is_hidden("#checked")  # only an eindredacteur checks sources
    page.fill("#a-short", "Het wijkteam helpt je gezin. Het is gratis.")
    page.fill("#a-reason", "korter en duidelijker")
    page.click("#a-save")
    page.wait_for_selector("#message >> text=Voorgesteld", timeout=15000)
    assert csp_blocked(page) == []  # the editor works under the strict policy
    red.close()

    eind = watched(browser)
    page = eind.new_page()
    browser_login(page, web, "eind", "/editor")
    page.click("#review button.item", timeout=15000)
    page.wait_for_selector("#diff .add >> text=Het wijkteam helpt je gezin. Het is gratis.")
    page.click("#diff button >> text=Publiceren")
    page.wait_for_selector("#message >> text=Gepubliceerd", timeout=15000)
    page.click('#articles button[data-slug="wijkteam"]')
    page.click("#checked")
    page.wait_for_selector("#check-status >> text=door eind", timeout=15000)
    assert csp_blocked(page) == []
    eind.close()
    with urllib.request.urlopen(f"{web}/api/v1/articles/wijkteam", timeout=10) as response:
        body = response.read().decode()
    assert "Het wijkteam helpt je gezin. Het is gratis." in body and '"checked_by":"eind"' in body.replace(" ", "")


def test_the_staff_console_works_under_a_strict_csp(browser: Any, web: str, pages_db: str) -> None:
    from knowledge import handoff
    from knowledge.db import session_scope

    with session_scope(pages_db) as session:
        line = handoff.Line("parent", "ik wil een mens spreken over mijn zoon")
        ticket = handoff.create_ticket(session, "browser-console-1", [line], None, "Almere").public_id
    with urllib.request.urlopen(f"{web}/widget/staff.html", timeout=10) as response:
        policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    context = watched(browser)
    page = context.new_page()
    browser_login(page, web, "mw-almere", "/staff")
    page.click(f'.ticket[data-ticket="{ticket}"]', timeout=15000)
    page.wait_for_selector("#transcript >> text=ik wil een mens spreken over mijn zoon")
    assert violations(page) == []
    page.click("#take")
    page.wait_for_selector("#text:not([disabled])", timeout=10000)
    page.fill("#text", "Goedemiddag, u spreekt met de gemeente.")
    page.click("#send")
    page.wait_for_selector(".line.staff >> text=Goedemiddag, u spreekt met de gemeente.", timeout=10000)
    assert page.evaluate("() => getComputedStyle(document.querySelector('.ticket')).borderLeftWidth") == "6px"
    page.click("#close")
    page.wait_for_selector("#meta >> text=afgesloten", timeout=10000)
    assert violations(page) == []
    assert csp_blocked(page) == []
    context.close()


def test_a_beheerder_makes_an_account_and_the_colleague_chooses_a_password(browser: Any, web: str) -> None:
    admin = watched(browser)
    page = admin.new_page()
    browser_login(page, web, "beheer", "/beheer/accounts")
    assert page.is_visible('tr[data-user="red-almere"]')
    assert violations(page) == []
    page.fill("#new-username", "nieuw.browser")
    page.select_option("#new-role", "medewerker")
    page.fill("#new-municipalities", "Flevoland")
    page.click("form[action='/beheer/accounts'] button[type=submit]")
    page.wait_for_selector("#link", timeout=15000)
    assert violations(page) == []
    link = page.input_value("#link")
    assert "/wachtwoord-instellen?code=" in link

    colleague = watched(browser)
    own = colleague.new_page()
    own.goto(link)
    assert own.inner_text("#gebruikersnaam") == "nieuw.browser"
    assert violations(own) == []
    own.fill("#password", "mijn eigen lange zin 12")
    own.fill("#again", "mijn eigen lange zin 12")
    own.click(".login button[type=submit]")
    own.wait_for_selector("text=Je wachtwoord is ingesteld", timeout=15000)
    assert violations(own) == []
    own.click("text=Naar inloggen")
    own.fill("#username", "nieuw.browser")
    own.fill("#password", "mijn eigen lange zin 12")
    own.click(".login button[type=submit]")
    own.wait_for_url(f"{web}/staff", timeout=15000)
    assert "Lelystad" in own.inner_text("#userbar")
    assert csp_blocked(own) == []

    page.goto(f"{web}/beheer/accounts/nieuw.browser")
    assert violations(page) == []
    page.click("#lock")
    page.wait_for_selector("#status >> text=geblokkeerd", timeout=15000)
    assert violations(page) == []  # the page with its message
    own.reload()
    own.wait_for_url(f"{web}/login?next=**", timeout=15000)  # blocked: the session ended at once
    assert csp_blocked(page) == []
    admin.close()
    colleague.close()


def test_the_editor_previews_a_concept_in_the_real_chat_widget(browser: Any, web: str) -> None:
    context = watched(browser)
    page = context.new_page()
    browser_login(page, web, "eind", "/editor")
    page.click('#articles button[data-slug="uithuisplaatsing"]', timeout=15000)
    page.fill("#a-short", "Concepttekst: bij een uithuisplaatsing woont je kind ergens anders. Dat is tijdelijk.")
    page.fill("#a-reason", "proef voor het voorbeeld")
    page.click("#a-concept")
    page.wait_for_selector("#message >> text=concept", timeout=15000)
    page.wait_for_selector("#versions a.preview", timeout=15000)
    page.click("#versions tr:first-child a.preview")
    page.wait_for_url(f"{web}/editor/voorbeeld/*", timeout=15000)
    answer = page.wait_for_selector(
        '.jb-bot[data-article="uithuisplaatsing"] >> text=Concepttekst: bij een uithuisplaatsing', timeout=20000
    )
    assert answer is not None  # the widget opened by itself and shows the concept, as a parent would see it
    assert "Nog niet gecontroleerd door de redactie" in page.inner_text(".jb-bot[data-article='uithuisplaatsing']")
    assert csp_blocked(page) == []  # before axe, which adds a style of its own
    assert violations(page) == []
    with urllib.request.urlopen(f"{web}/api/v1/articles/uithuisplaatsing", timeout=10) as response:
        assert "Concepttekst" not in response.read().decode()  # the chat still answers with the live text
    context.close()


def test_the_insights_page_with_grouped_questions_has_no_axe_violations(browser: Any, web: str, pages_db: str) -> None:
    from knowledge import insights
    from knowledge.db import session_scope

    with session_scope(pages_db) as session:
        for question in ("mag ik mijn kind zien in het pleeggezin", "mag ik mijn kind bezoeken in het pleeggezin"):
            insights.record(session, question, "unknown", None, "Almere")
        insights.record(session, "wat kost een advocaat", "tentative", "advocaat", None)
    context = watched(browser)
    page = context.new_page()
    browser_login(page, web, "red-almere", "/inzichten")
    page.click("#largest summary")
    assert "mag ik mijn kind bezoeken in het pleeggezin" in page.inner_text("#largest")
    assert csp_blocked(page) == []
    assert violations(page) == []
    context.close()
