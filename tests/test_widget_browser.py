"""The chat widget in a real browser (Debian's Chromium driven by Playwright),
against the real web app and Rasa server started by the e2e fixture.

The widget lives in an open Shadow DOM; Playwright's CSS selectors look inside it.
Accessibility is checked with axe-core (vendored in tests/vendor, pinned by hash)
for WCAG 2.1 A and AA, in the states the issue lists.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
import yaml

from scripts import services
from tests.helpers import PORTS, custom, rasa_api, say
from tests.staff_accounts import StaffHTTP, browser_login

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parent.parent
WEB = f"http://127.0.0.1:{PORTS.web}"
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
AXE_SHA256 = "e9e5863c33a874f09bc01acd9234b7e3c871479f5eef8802fa582544465e6d01"  # axe-core 4.11.0
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = ROOT / "var" / "screenshots"
AXE_RUNNING = [False]
HELPLINE_LINKS = ["tel:112", "tel:08002000", "tel:08000432", "tel:113", "tel:08000113"]
TOPICS = [
    "Veilig Thuis",
    "De Raad voor de Kinderbescherming",
    "Ondertoezichtstelling (OTS)",
    "Uithuisplaatsing",
    "Mijn rechten",
    "Cliëntondersteuner",
]


# ---------- fixtures ----------


@pytest.fixture(scope="module")
def browser(stack: services.Services) -> Iterator[Any]:
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
        yield browser
        browser.close()


class Opened:
    """Pages opened by one test, each in its own browser context (own sessionStorage)."""

    def __init__(self, browser: Any) -> None:
        self.browser = browser
        self.contexts: List[Any] = []
        self.problems: List[str] = []

    def __call__(self, path: str = "/", **context_options: Any) -> Any:
        context = self.browser.new_context(locale="nl-NL", **context_options)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        if path:
            page.goto(WEB + path)
            page.wait_for_selector(".jb-launcher", state="visible")
        return page

    def _console(self, message: Any) -> None:
        text = message.text
        if AXE_RUNNING[0]:
            return  # axe-core itself sets inline styles while it measures; the CSP blocks them, rightly
        if "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(f"CSP: {text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture()
def open_page(browser: Any) -> Iterator[Opened]:
    opened = Opened(browser)
    yield opened
    opened.close()
    assert not opened.problems, opened.problems


# ---------- helpers ----------


def settle(page: Any) -> None:
    """Wait until the widget's finite animations (the panel opening) have ended."""
    page.evaluate(
        """() => Promise.all(document.getElementById('jb-chat').shadowRoot.getAnimations()
                   .filter(a => a.effect.getTiming().iterations !== Infinity).map(a => a.finished))"""
    )


def open_panel(page: Any) -> None:
    page.click(".jb-launcher")
    page.wait_for_selector("#jb-panel", state="visible")
    settle(page)


def ask(page: Any, text: str) -> None:
    page.fill("#jb-input", text)
    page.press("#jb-input", "Enter")


def active(page: Any) -> Dict[str, Any]:
    """The focused element, looking into the widget's shadow root."""
    return page.evaluate(
        """() => {
          let el = document.activeElement;
          while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
          const style = el ? getComputedStyle(el) : null;
          return el ? {id: el.id, cls: el.className, tag: el.tagName, text: (el.textContent || '').trim(),
                       outline: style.outlineStyle, outlineWidth: style.outlineWidth} : {};
        }"""
    )


def axe_violations(page: Any) -> List[Dict[str, Any]]:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "tests/vendor/axe.min.js is not the pinned axe-core"
    settle(page)  # scan the widget at rest, not halfway its opening animation
    AXE_RUNNING[0] = True
    try:
        if not page.evaluate("() => !!window.axe"):
            page.evaluate(source.decode("utf-8"))  # DevTools evaluation: not an inline script, the CSP stays on
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        page.wait_for_timeout(100)  # let its console messages arrive while muted
    finally:
        AXE_RUNNING[0] = False
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page: Any, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core WCAG 2.1 A/AA violations ({state}): {json.dumps(violations, indent=1)}"


_STAFF: Dict[str, StaffHTTP] = {}


def staff_call(path: str, body: Any = None, user: str = "anna") -> Any:
    """The staff API as a logged-in staff member (session cookie and CSRF token)."""
    if user not in _STAFF:
        _STAFF[user] = StaffHTTP(WEB, user)
    staff = _STAFF[user]
    request = urllib.request.Request(
        f"{WEB}/staff/api{path}",
        method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"X-CSRF-Token": staff.csrf, "Content-Type": "application/json"},
    )
    with staff.opener.open(request, timeout=30) as response:
        return json.loads(response.read())


def stored(page: Any) -> Dict[str, Any]:
    return json.loads(page.evaluate("() => sessionStorage.getItem('jb-chat-v2')") or "{}")


def wait_until(check: Callable[[], Any], seconds: float = 20, what: str = "") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def checked_summary(slug: str) -> str:
    """What the collapsed sources line must say for an article, from its content file."""
    data = yaml.safe_load((ROOT / "knowledge" / "content" / "articles" / f"{slug}.yaml").read_text(encoding="utf-8"))
    n = len(data["sources"])
    months = "januari februari maart april mei juni juli augustus september oktober november december".split()
    checked = data.get("last_checked")
    when = (
        f"gecontroleerd op {checked.day} {months[checked.month - 1]} {checked.year}"
        if checked
        else "Nog niet gecontroleerd door de redactie"
    )
    return f"{n} {'bron' if n == 1 else 'bronnen'} · {when}"


# ---------- 1. one tag, Shadow DOM, strict CSP, data attributes ----------


def test_one_tag_adds_a_launcher_and_a_closed_panel_under_a_strict_csp(open_page: Opened) -> None:
    with urllib.request.urlopen(WEB + "/", timeout=10) as response:
        csp = response.headers["Content-Security-Policy"]
        html = response.read().decode()
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert len(re.findall(r"<script\b", html)) == 1 and "<style" not in html and " style=" not in html
    assert re.search(r'<script src="/widget/widget.js" data-municipality="Amersfoort" defer></script>', html)

    page = open_page("/")
    assert page.evaluate("() => !!document.getElementById('jb-chat').shadowRoot")
    assert page.get_attribute("#jb-chat", "lang") == "nl"
    assert page.is_hidden("#jb-panel")
    assert page.get_attribute(".jb-launcher", "aria-expanded") == "false"
    assert_accessible(page, "panel closed")

    open_panel(page)
    assert page.get_attribute(".jb-launcher", "aria-expanded") == "true"
    assert page.get_attribute("#jb-panel", "lang") == "nl"
    assert page.get_attribute("#jb-panel", "role") == "dialog"
    assert active(page)["id"] == "jb-input"
    assert "Vragen over jeugdbescherming" in page.inner_text("#jb-title")
    assert_accessible(page, "panel open")
    page.click(".jb-close")
    assert page.is_hidden("#jb-panel")
    assert "jb-launcher" in active(page)["cls"]


HOST_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Gemeente Urk</title>
<link rel="stylesheet" href="/site.css"></head><body><main><h1>Jeugd en gezin</h1>
<p class="jb-msg">Tekst van de gemeente.</p><button type="button" id="own">Eigen knop</button></main>
<script src="{web}/widget/widget.js" data-municipality="Urk" data-title="Chat van gemeente Urk"
 data-welcome="Welkom bij de chat van Urk. Waar gaat je vraag over?" data-color="{color}" defer></script>
</body></html>"""
# Styles a real site might have that would break a widget without a Shadow DOM.
HOST_CSS = """* { color: lime !important; font-family: "Comic Sans MS", cursive !important; letter-spacing: 3px; }
html { font-size: 62.5%; } button { background: yellow !important; font-size: 40px !important; }
div { border: 5px solid red; } p { margin: 3em; }"""


class HostSite:
    """A municipality's site: its own small web server on another origin, with a strict CSP
    that allows only the widget's origin for scripts, styles and calls."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        csp = f"default-src 'none'; script-src {WEB}; style-src 'self' {WEB}; connect-src {WEB}; img-src 'self'"

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if self.path.endswith("/site.css"):
                    body, kind = HOST_CSS, "text/css"
                else:
                    color = self.path.rsplit("kleur=", 1)[-1] if "kleur=" in self.path else ""
                    body, kind = HOST_PAGE.format(web=WEB, color="#" + color), "text/html; charset=utf-8"
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Security-Policy", csp)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def open(self, page: Any, color: str) -> None:
        page.goto(f"{self.url}/jeugd?kleur={color.lstrip('#')}")
        page.wait_for_selector(".jb-launcher", state="visible")


@pytest.fixture(scope="module")
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    yield site
    site.server.shutdown()


def test_embedded_on_another_site_styles_stay_apart_and_data_attributes_work(
    open_page: Opened, host_site: HostSite
) -> None:
    page = open_page(None)
    host_site.open(page, "#6b1f5c")
    launcher = page.evaluate(
        """() => { const root = document.getElementById('jb-chat').shadowRoot;
                  const s = getComputedStyle(root.querySelector('.jb-launcher'));
                  return {bg: s.backgroundColor, size: s.fontSize, color: s.color, font: s.fontFamily}; }"""
    )
    assert launcher["bg"] == "rgb(107, 31, 92)" and launcher["color"] == "rgb(255, 255, 255)"
    assert launcher["size"] == "16px" and "Comic" not in launcher["font"]
    own = page.evaluate("() => getComputedStyle(document.getElementById('own')).backgroundColor")
    assert own == "rgb(255, 255, 0)"  # the widget's styles do not reach the host's own button
    host_p = page.evaluate("() => getComputedStyle(document.querySelector('p.jb-msg')).borderRadius")
    assert host_p == "0px"
    open_panel(page)
    assert page.inner_text("#jb-title") == "Chat van gemeente Urk"
    assert "Welkom bij de chat van Urk." in page.inner_text(".jb-welcome")
    ask(page, "Wat doet Veilig Thuis?")  # cross-origin call to the web app, allowed by CORS and connect-src
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')

    # A colour with too little contrast against white text is not used.
    pale = open_page(None)
    host_site.open(pale, "#ffd700")
    bg = pale.evaluate(
        "() => getComputedStyle(document.getElementById('jb-chat').shadowRoot.querySelector('.jb-launcher'))"
        ".backgroundColor"
    )
    assert bg == "rgb(21, 66, 115)"
    open_page.problems = [p for p in open_page.problems if "data-color" not in p]


# ---------- 2 and 3. the web app forwards to Rasa; answers, sources, topics, quick replies ----------


def test_question_answer_sources_typing_and_live_region(open_page: Opened) -> None:
    page = open_page("/?gemeente=Almere")
    open_panel(page)
    requests: List[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.evaluate(
        """() => { const t = document.getElementById('jb-chat').shadowRoot.querySelector('.jb-typing');
                   window.__typingSeen = false;
                   new MutationObserver(() => { if (!t.hidden) window.__typingSeen = true; })
                     .observe(t, {attributes: true}); }"""
    )
    ask(page, "Wat doet Veilig Thuis?")
    answer = page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    assert page.evaluate("() => window.__typingSeen"), "no typing indicator while waiting"
    assert page.is_hidden(".jb-typing")
    assert "0800-2000" in answer.inner_text()
    assert all(u.startswith(WEB) for u in requests) and any(u == WEB + "/chat/messages" for u in requests)
    assert not any(f":{PORTS.rasa}" in u for u in requests), "the browser must never call Rasa"

    summary = page.locator('.jb-bot[data-article="veilig-thuis"] .jb-sources summary')
    assert summary.inner_text().strip() == checked_summary("veilig-thuis")
    links = page.locator('.jb-bot[data-article="veilig-thuis"] .jb-sources a')
    assert links.count() >= 1 and not links.first.is_visible()  # collapsed to one line
    summary.click()
    assert links.first.is_visible()
    assert re.match(r"^https?://", links.first.get_attribute("href") or "")
    assert links.first.get_attribute("rel") == "noopener noreferrer"
    expected_count = int(checked_summary("veilig-thuis").split()[0])
    assert links.count() == expected_count
    page.wait_for_function(
        """() => document.getElementById('jb-chat').shadowRoot.querySelector('[aria-live=polite]')
                 .textContent.includes('Veilig Thuis')"""
    )
    page.screenshot(path=str(SHOTS / "widget-answer.png"))

    ask(page, "<img src=x onerror=alert(1)> wat doet de raad")
    page.wait_for_selector(".jb-user >> text=<img src=x onerror=alert(1)> wat doet de raad")
    page.wait_for_selector(".jb-bot >> nth=2")
    assert page.locator(".jb-log img").count() == 0


def test_topic_buttons_and_quick_replies(open_page: Opened) -> None:
    page = open_page("/")
    open_panel(page)
    chips = page.locator(".jb-topics button")
    assert [c.strip() for c in chips.all_inner_texts()] == TOPICS
    page.click(".jb-topics button >> text=Uithuisplaatsing")
    page.wait_for_selector(".jb-user >> text=Uithuisplaatsing")
    page.wait_for_selector('.jb-bot[data-article="uithuisplaatsing"]')
    page.click(".jb-topics button >> text=Mijn rechten")
    page.wait_for_selector('.jb-bot[data-article="recht-op-informatie"]')

    # Quick replies: after a worrying message the bot offers a person, as two buttons.
    ask(page, "mijn man slaat mij al maanden")
    page.wait_for_selector('.jb-safety[data-level="disclosure"]')
    quick = page.locator(".jb-bot:not(.jb-welcome) .jb-buttons button")
    quick.first.wait_for()
    titles = quick.all_inner_texts()
    assert "Nee, nu niet" in titles, titles
    bots = page.locator(".jb-msg.jb-bot").count()
    page.click(".jb-bot:not(.jb-welcome) .jb-buttons button >> text=Nee, nu niet")
    page.wait_for_selector(".jb-user >> text=Nee, nu niet")
    wait_until(lambda: page.locator(".jb-msg.jb-bot").count() > bots, what="a reply to the quick reply")


def test_conversation_kept_across_reload_and_navigation(open_page: Opened) -> None:
    page = open_page("/")
    open_panel(page)
    ask(page, "Wat doet de Raad voor de Kinderbescherming?")
    page.wait_for_selector('.jb-bot[data-article="raad-voor-de-kinderbescherming"]')
    before = page.locator(".jb-msg").all_inner_texts()
    conversation = stored(page)["conversation"]
    page.reload()
    page.wait_for_selector('.jb-bot[data-article="raad-voor-de-kinderbescherming"]')
    assert page.is_visible("#jb-panel"), "an open panel stays open after a reload"
    assert page.locator(".jb-msg").all_inner_texts() == before
    page.click("text=Een andere pagina")
    page.wait_for_url("**/?pagina=2")
    page.wait_for_selector('.jb-bot[data-article="raad-voor-de-kinderbescherming"]')
    assert stored(page)["conversation"] == conversation
    # The bot still knows the conversation: a follow-up in the same conversation works.
    ask(page, "Wat doet Veilig Thuis?")
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    other = open_page("/")  # another browser session starts empty
    open_panel(other)
    assert other.locator(".jb-user").count() == 0


# ---------- 8. keyboard ----------


def test_keyboard_only(open_page: Opened) -> None:
    page = open_page("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if "jb-launcher" in str(active(page).get("cls")):
            break
    assert "jb-launcher" in str(active(page).get("cls")), "the launcher is not reachable with Tab"
    assert active(page)["outline"] == "solid"  # visible focus
    page.keyboard.press("Enter")
    page.wait_for_selector("#jb-panel", state="visible")
    assert active(page)["id"] == "jb-input"
    page.keyboard.type("Wat is een ondertoezichtstelling?")
    page.keyboard.press("Enter")
    page.wait_for_selector('.jb-bot[data-article="ondertoezichtstelling"]')
    for _ in range(40):  # back to a topic button, without the mouse
        page.keyboard.press("Shift+Tab")
        if active(page).get("text") == "Uithuisplaatsing":
            break
    assert active(page).get("text") == "Uithuisplaatsing"
    assert active(page)["outline"] == "solid"
    page.keyboard.press("Enter")
    page.wait_for_selector('.jb-bot[data-article="uithuisplaatsing"]')
    page.keyboard.press("Escape")
    page.wait_for_selector("#jb-panel", state="hidden")
    assert "jb-launcher" in str(active(page).get("cls")), "focus must return to the launcher"
    page.keyboard.press("Enter")
    page.wait_for_selector("#jb-panel", state="visible")
    assert active(page)["id"] == "jb-input"


# ---------- 4. help always one tap away ----------


def test_direct_help_panel_and_safety_message_opens_it(open_page: Opened) -> None:
    page = open_page("/")
    open_panel(page)
    assert page.is_hidden("#jb-help")
    assert page.is_visible(".jb-human"), "'Praat met een medewerker' is always visible"
    page.click(".jb-help-toggle")
    assert page.get_attribute(".jb-help-toggle", "aria-expanded") == "true"
    hrefs = page.eval_on_selector_all("#jb-help a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == HELPLINE_LINKS
    text = page.inner_text("#jb-help")
    for number in ("112", "0800-2000", "0800-0432", "113", "0800-0113", "Kindertelefoon", "Veilig Thuis"):
        assert number in text
    page.click(".jb-help-toggle")
    assert page.is_hidden("#jb-help")

    ask(page, "mijn man slaat me nu, help")
    bubble = page.wait_for_selector('.jb-safety[data-level="acute"]')
    assert "112" in bubble.inner_text()
    page.wait_for_selector("#jb-help", state="visible")
    assert page.get_attribute(".jb-help-toggle", "aria-expanded") == "true"


# ---------- 5. handoff ----------


def _ticket_of(page: Any) -> str:
    return wait_until(lambda: (stored(page).get("handoff") or {}).get("ticket"), what="a handoff ticket")


def test_handoff_mode_staff_join_talk_and_hand_back(open_page: Opened) -> None:
    page = open_page("/")
    open_panel(page)
    page.click(".jb-human")
    page.wait_for_selector('.jb-bot[data-kind="handoff"]')
    bar = page.wait_for_selector(".jb-handoff-bar", state="visible")
    assert "Je wacht op een medewerker" in bar.inner_text()
    ticket = _ticket_of(page)
    ask(page, "ik wacht hier, mijn nummer is 0612345678")
    page.wait_for_selector('.jb-user[data-state="staff"] >> text=Verstuurd naar de medewerker')
    transcript = " ".join(m["text"] for m in staff_call(f"/tickets/{ticket}")["messages"])
    assert "ik wacht hier" in transcript and "0612345678" not in transcript

    staff_call(f"/tickets/{ticket}/take", {})
    page.wait_for_selector(".jb-note >> text=Een medewerker is er nu voor je.")
    page.wait_for_selector('.jb-handoff-bar[data-status="connected"]')
    staff_call(f"/tickets/{ticket}/messages", {"text": "Hallo, ik ben Anna van de gemeente."})
    page.wait_for_selector(".jb-staff >> text=Hallo, ik ben Anna van de gemeente.")
    assert "Medewerker" in page.inner_text(".jb-staff")
    assert_accessible(page, "handoff mode")

    page.reload()  # the handoff survives a reload, without repeating messages
    page.wait_for_selector('.jb-handoff-bar[data-status="connected"]')
    page.wait_for_timeout(2500)
    assert page.locator(".jb-staff").count() == 1
    page.click(".jb-close")  # a message while the panel is closed shows on the launcher
    staff_call(f"/tickets/{ticket}/messages", {"text": "Waar kan ik je mee helpen?"})
    page.wait_for_selector(".jb-launcher >> text=Nieuw bericht")
    open_panel(page)
    page.wait_for_selector(".jb-staff >> text=Waar kan ik je mee helpen?")
    assert page.is_hidden(".jb-unread")

    staff_call(f"/tickets/{ticket}/handback", {})
    page.wait_for_selector(".jb-note >> text=Je praat weer met de chat.")
    page.wait_for_selector(".jb-handoff-bar", state="hidden")
    ask(page, "Wat doet Veilig Thuis?")
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    page.screenshot(path=str(SHOTS / "widget-handoff.png"))


def test_nobody_there_offers_a_callback(open_page: Opened) -> None:
    page = open_page("/?gemeente=Urk")  # the test hours: nobody answers chats in Urk
    open_panel(page)
    ask(page, "Wat doet Veilig Thuis?")  # the bot learns the municipality from the page
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    page.click(".jb-human")
    box = page.wait_for_selector('.jb-callback[data-kind="callback"]')
    assert "geen medewerkers" in box.inner_text()
    assert page.is_hidden(".jb-handoff-bar")
    page.click(".jb-callback-form button")
    page.wait_for_selector(".jb-error >> text=Vul eerst een telefoonnummer of e-mailadres in.")
    page.fill(".jb-callback-form input", "06 11122233")
    page.click(".jb-callback-form button")
    page.wait_for_selector(".jb-callback >> text=We bellen of mailen je zo snel mogelijk")
    ticket = _ticket_of(page)
    entry = next(t for t in staff_call("/queue") if t["ticket"] == ticket)
    assert entry["status"] == "callback" and entry["callback_contact"] == "06 11122233"


# ---------- 6. privacy and Gesprek wissen ----------


def test_privacy_notice_and_wiping_the_conversation_everywhere(open_page: Opened) -> None:
    page = open_page("/")
    open_panel(page)
    privacy = page.inner_text(".jb-privacy")
    assert "naam of BSN" in privacy and "30 dagen" in privacy and "Gesprek wissen" in privacy
    ask(page, "Wat doet Veilig Thuis?")
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    page.click(".jb-human")
    page.wait_for_selector('.jb-bot[data-kind="handoff"]')
    ticket = _ticket_of(page)
    old = stored(page)["conversation"]
    assert staff_call(f"/tickets/{ticket}")["ticket"] == ticket

    page.click(".jb-wipe")
    page.wait_for_selector(".jb-confirm", state="visible")
    page.keyboard.press("Escape")  # Escape first closes the question, not the panel
    page.wait_for_selector(".jb-confirm", state="hidden")
    assert page.is_visible("#jb-panel") and page.locator(".jb-user").count() == 2
    page.click(".jb-wipe")
    page.click("text=Ja, wis het gesprek")
    page.wait_for_selector(".jb-note >> text=Je gesprek is gewist, hier en op onze server.")
    assert page.locator(".jb-user").count() == 0 and page.locator(".jb-bot[data-article]").count() == 0
    assert page.is_hidden(".jb-handoff-bar")
    state = stored(page)
    assert state["conversation"] != old and state["handoff"] is None
    assert "Veilig Thuis?" not in json.dumps(state)

    try:
        staff_call(f"/tickets/{ticket}")
        raise AssertionError("the ticket should be deleted")
    except urllib.error.HTTPError as err:
        assert err.code == 404
    tracker = rasa_api(f"/conversations/{old}/tracker")
    assert not [e for e in tracker["events"] if e["event"] in ("user", "bot")], "Rasa still remembers the conversation"
    page.reload()
    page.wait_for_selector(".jb-note >> text=Je gesprek is gewist")
    assert page.locator(".jb-user").count() == 0


# ---------- 7. resilience ----------


def test_slow_bot_is_said_within_five_seconds(open_page: Opened, stack: services.Services) -> None:
    page = open_page("/")
    open_panel(page)
    rasa = stack.get("rasa").process
    os.killpg(rasa.pid, signal.SIGSTOP)  # the bot hangs: it accepts the call but does not answer
    try:
        started = time.monotonic()
        ask(page, "Wat is een uithuisplaatsing?")
        page.wait_for_selector('.jb-status[data-state="slow"]', state="visible", timeout=6000)
        assert time.monotonic() - started < 5.9
        assert "duurt langer" in page.inner_text(".jb-status")
        hrefs = page.eval_on_selector_all(".jb-status a", "links => links.map(a => a.getAttribute('href'))")
        assert hrefs == HELPLINE_LINKS
    finally:
        os.killpg(rasa.pid, signal.SIGCONT)
    page.wait_for_selector('.jb-bot[data-article="uithuisplaatsing"]')
    page.wait_for_selector(".jb-status", state="hidden")


def test_bot_stopped_offline_state_and_message_sent_after_restart(open_page: Opened, stack: services.Services) -> None:
    page = open_page("/")
    open_panel(page)
    ask(page, "Wat doet Veilig Thuis?")
    page.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    stack.stop(["rasa"])
    try:
        started = time.monotonic()
        ask(page, "Wat doet de Raad voor de Kinderbescherming?")
        page.wait_for_selector('.jb-status[data-state="offline"]', state="visible", timeout=5000)
        assert time.monotonic() - started < 5
        status = page.inner_text(".jb-status")
        assert "werkt nu even niet" in status and "0800-2000" in status
        page.wait_for_selector("#jb-help", state="visible")
        page.wait_for_selector('.jb-user[data-state="pending"] >> text=Nog niet verstuurd')
        assert_accessible(page, "offline")
        page.screenshot(path=str(SHOTS / "widget-offline.png"))
        page.reload()  # the waiting message is kept in the browser session, never lost
        page.wait_for_selector('.jb-user[data-state="pending"] >> text=Wat doet de Raad voor de Kinderbescherming?')
        ask(page, "Wat is een uithuisplaatsing?")  # typed while offline: queued behind the first
        page.wait_for_selector('.jb-user[data-state="pending"] >> text=Wat is een uithuisplaatsing?')
    finally:
        stack.restart("rasa")
    page.wait_for_selector('.jb-bot[data-article="raad-voor-de-kinderbescherming"]', timeout=45000)
    page.wait_for_selector('.jb-bot[data-article="uithuisplaatsing"]', timeout=30000)
    assert page.locator('.jb-user[data-state="pending"]').count() == 0
    page.wait_for_selector(".jb-status", state="hidden")
    order = page.locator(".jb-msg").all_inner_texts()
    raad = next(i for i, t in enumerate(order) if "Wat doet de Raad" in t)
    ots = next(i for i, t in enumerate(order) if "Wat is een uithuisplaatsing?" in t)
    assert raad < ots


# ---------- 8. phone, small screens, zoom, motion; screenshots ----------


def test_phone_full_screen_one_tap_close_and_screenshots(open_page: Opened) -> None:
    phone = open_page("/", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    box = phone.locator(".jb-launcher").bounding_box()
    assert box and box["width"] < 390 * 0.8 and box["height"] < 80, "the closed widget must not cover the page"
    phone.tap(".jb-launcher")
    phone.wait_for_selector("#jb-panel", state="visible")
    settle(phone)
    panel = phone.locator("#jb-panel").bounding_box() or {}
    assert {k: round(v) for k, v in panel.items()} == {"x": 0, "y": 0, "width": 390, "height": 844}
    assert phone.is_hidden(".jb-launcher")
    ask(phone, "Wat doet Veilig Thuis?")
    phone.wait_for_selector('.jb-bot[data-article="veilig-thuis"]')
    phone.screenshot(path=str(SHOTS / "widget-phone.png"))
    phone.tap(".jb-close")  # one tap closes
    phone.wait_for_selector("#jb-panel", state="hidden")
    assert phone.is_visible(".jb-launcher")

    desktop = open_page("/", viewport={"width": 1280, "height": 800})
    open_panel(desktop)
    ask(desktop, "Wat is een uithuisplaatsing?")
    desktop.wait_for_selector('.jb-bot[data-article="uithuisplaatsing"]')
    desktop.click('.jb-bot[data-article="uithuisplaatsing"] .jb-sources summary')
    desktop.screenshot(path=str(SHOTS / "widget-desktop.png"))


FITS = """() => {
  const root = document.getElementById('jb-chat').shadowRoot;
  const panel = root.querySelector('#jb-panel');
  const inView = sel => { const r = root.querySelector(sel).getBoundingClientRect();
    return r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 0.5 && r.bottom <= innerHeight + 0.5 && r.width > 0; };
  return {overflow: panel.scrollWidth - panel.clientWidth,
          pageOverflow: document.documentElement.scrollWidth - innerWidth,
          input: inView('#jb-input'), send: inView('.jb-send'), close: inView('.jb-close'),
          help: inView('.jb-help-toggle'), human: inView('.jb-human')};
}"""


@pytest.mark.parametrize(
    "viewport, scale",
    [({"width": 320, "height": 568}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320px", "200%-zoom"],
)
def test_small_screens_and_zoom(open_page: Opened, viewport: Dict[str, int], scale: int) -> None:
    # 200 % zoom of a 1280x800 window is a 640x400 CSS-pixel viewport at twice the pixel density.
    page = open_page("/", viewport=viewport, device_scale_factor=scale)
    open_panel(page)
    ask(page, "Wat is een ondertoezichtstelling?")
    page.wait_for_selector('.jb-bot[data-article="ondertoezichtstelling"]')
    fits = page.evaluate(FITS)
    assert fits == {
        "overflow": 0,
        "pageOverflow": 0,
        "input": True,
        "send": True,
        "close": True,
        "help": True,
        "human": True,
    }
    assert_accessible(page, f"open at {viewport['width']}px")


def test_prefers_reduced_motion(open_page: Opened) -> None:
    animated = open_page("/")
    open_panel(animated)
    assert (
        animated.evaluate(
            "() => getComputedStyle(document.getElementById('jb-chat').shadowRoot.querySelector('#jb-panel'))"
            ".animationName"
        )
        == "jb-in"
    )
    calm = open_page("/", reduced_motion="reduce")
    open_panel(calm)
    names = calm.evaluate(
        """() => { const r = document.getElementById('jb-chat').shadowRoot;
                   return [r.querySelector('#jb-panel'), r.querySelector('.jb-dots span')]
                     .map(e => getComputedStyle(e).animationName); }"""
    )
    assert names == ["none", "none"]


# ---------- staff console and editor (the other pages in the web app) ----------


def test_staff_console_takes_a_ticket_and_replies(browser: Any) -> None:
    import uuid

    sender = uuid.uuid4().hex
    say("ik woon in Almere", sender)
    ticket = custom(say("ik wil een mens spreken", sender))["ticket"]
    context = browser.new_context()
    console = context.new_page()
    browser_login(console, WEB, "bob", "/staff")
    console.click(f'.ticket[data-ticket="{ticket}"]', timeout=15000)
    console.wait_for_selector("#transcript >> text=ik wil een mens spreken")
    console.click("#take")
    console.wait_for_selector("#text:not([disabled])", timeout=10000)
    console.fill("#text", "Goedemiddag, u spreekt met Bob.")
    console.click("#send")
    console.wait_for_selector(".line.staff >> text=Goedemiddag, u spreekt met Bob.", timeout=10000)
    assert "Almere" in console.inner_text("#meta")
    console.screenshot(path=str(SHOTS / "staff-console.png"))
    context.close()


def test_editor_adds_an_article_the_bot_answers_at_once(browser: Any) -> None:
    import uuid

    context = browser.new_context()
    editor = context.new_page()
    browser_login(editor, WEB, "eind", "/editor")
    editor.wait_for_selector("#articles button", timeout=15000)
    editor.click("#new")
    editor.fill("#a-slug", "opvoedsteunpunt")
    editor.fill("#a-title", "Wat is het opvoedsteunpunt?")
    editor.fill("#a-short", "Bij het opvoedsteunpunt kun je vragen stellen over opvoeden. Het is gratis.")
    editor.fill("#a-questions", "wat is het opvoedsteunpunt\nwaar kan ik heen met opvoedvragen\nopvoedsteunpunt adres")
    editor.fill("#a-sources", "NJi – Wat doet een wijkteam | https://www.nji.nl/wijkteams/wat-doet-een-wijkteam")
    editor.click("#article button[type=submit]")
    editor.wait_for_selector("#message .ok", timeout=15000)
    editor.screenshot(path=str(SHOTS / "editor.png"))
    context.close()
    assert custom(say("wat is het opvoedsteunpunt eigenlijk?", uuid.uuid4().hex))["article"] == "opvoedsteunpunt"


@pytest.fixture(autouse=True, scope="module")
def _screenshot_dir() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
