"""The chat widget in a real browser (Debian's Chromium driven by Playwright),
against the real web app and Rasa server started by the e2e fixture."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import PORTS, STAFF, custom, say

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(stack):
    if not CHROMIUM:
        reason = "Chromium is not installed (make test installs Debian's chromium package)"
        print(f"\nSKIP widget browser test: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        yield page
        browser.close()


def test_widget_shows_answer_with_sources(page) -> None:
    page.goto(f"http://127.0.0.1:{PORTS.web}/?gemeente=Almere")
    page.fill(".jb-form textarea", "Wat doet Veilig Thuis?")
    page.click(".jb-form button")
    answer = page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]', timeout=30000)
    assert "0800-2000" in answer.inner_text()
    assert page.locator('.jb-bot[data-article="veilig-thuis"] .jb-sources a').count() >= 1
    page.screenshot(path="var/widget.png")


def test_widget_renders_html_as_text(page) -> None:
    page.fill(".jb-form textarea", "<img src=x onerror=alert(1)> wat doet de raad")
    page.click(".jb-form button")
    page.wait_for_selector(".jb-user >> text=<img src=x onerror=alert(1)> wat doet de raad")
    assert page.locator(".jb-log img").count() == 0


def test_widget_shows_helplines_for_safety(page) -> None:
    page.fill(".jb-form textarea", "mijn man slaat me nu, help")
    page.click(".jb-form button")
    bubble = page.wait_for_selector('.jb-safety[data-level="acute"]', timeout=30000)
    assert "112" in bubble.inner_text()


def test_widget_hands_over_to_staff_and_back(page) -> None:
    import base64
    import json
    import urllib.request

    def staff(path: str, body=None):
        auth = base64.b64encode(f"anna:{STAFF['anna']}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORTS.web}/staff/api{path}",
            method="POST" if body is not None else "GET",
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    page.goto(f"http://127.0.0.1:{PORTS.web}/")
    page.fill(".jb-form textarea", "ik wil een mens spreken")
    page.click(".jb-form button")
    page.wait_for_selector('.jb-bot[data-kind="handoff"]', timeout=30000)
    page.fill(".jb-form textarea", "ik wacht hier, mijn nummer is 0612345678")
    page.click(".jb-form button")
    ticket = None
    for _ in range(40):
        queue = staff("/queue")
        waiting = [t for t in queue if t["status"] == "queued"]
        for t in waiting:
            texts = " ".join(m["text"] for m in staff(f"/tickets/{t['ticket']}")["messages"])
            if "ik wacht hier" in texts:
                ticket = t["ticket"]
                assert "0612345678" not in texts
        if ticket:
            break
        page.wait_for_timeout(250)
    assert ticket, "the parent's message did not reach the staff queue"
    staff(f"/tickets/{ticket}/take", {})
    staff(f"/tickets/{ticket}/messages", {"text": "Hallo, ik ben Anna van de gemeente."})
    page.wait_for_selector(".jb-staff >> text=Hallo, ik ben Anna van de gemeente.", timeout=15000)
    staff(f"/tickets/{ticket}/handback", {})
    page.wait_for_selector("text=Je praat weer met de chat.", timeout=15000)
    page.fill(".jb-form textarea", "Wat doet Veilig Thuis?")
    page.click(".jb-form button")
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"] >> nth=-1', timeout=30000)
    page.screenshot(path="var/widget-handoff.png")


def test_staff_console_takes_a_ticket_and_replies(page) -> None:
    import uuid

    sender = uuid.uuid4().hex
    say("ik woon in Almere", sender)
    ticket = custom(say("ik wil een mens spreken", sender))["ticket"]
    context = page.context.browser.new_context(http_credentials={"username": "bob", "password": STAFF["bob"]})
    console = context.new_page()
    console.goto(f"http://127.0.0.1:{PORTS.web}/staff")
    console.click(f'.ticket[data-ticket="{ticket}"]', timeout=15000)
    console.wait_for_selector("#transcript >> text=ik wil een mens spreken")
    console.click("#take")
    console.wait_for_selector("#text:not([disabled])", timeout=10000)
    console.fill("#text", "Goedemiddag, u spreekt met Bob.")
    console.click("#send")
    console.wait_for_selector(".line.staff >> text=Goedemiddag, u spreekt met Bob.", timeout=10000)
    assert "Almere" in console.inner_text("#meta")
    console.screenshot(path="var/staff-console.png")
    context.close()


def test_editor_adds_an_article_the_bot_answers_at_once(page) -> None:
    import uuid

    context = page.context.browser.new_context(http_credentials={"username": "anna", "password": STAFF["anna"]})
    editor = context.new_page()
    editor.goto(f"http://127.0.0.1:{PORTS.web}/editor")
    editor.wait_for_selector("#articles button", timeout=15000)
    editor.click("#new")
    editor.fill("#a-slug", "opvoedsteunpunt")
    editor.fill("#a-title", "Wat is het opvoedsteunpunt?")
    editor.fill("#a-short", "Bij het opvoedsteunpunt kun je vragen stellen over opvoeden. Het is gratis.")
    editor.fill("#a-questions", "wat is het opvoedsteunpunt\nwaar kan ik heen met opvoedvragen\nopvoedsteunpunt adres")
    editor.fill("#a-sources", "NJi – Wat doet een wijkteam | https://www.nji.nl/wijkteams/wat-doet-een-wijkteam")
    editor.click("#article button[type=submit]")
    editor.wait_for_selector("#message .ok", timeout=15000)
    editor.screenshot(path="var/editor.png")
    context.close()
    assert custom(say("wat is het opvoedsteunpunt eigenlijk?", uuid.uuid4().hex))["article"] == "opvoedsteunpunt"
