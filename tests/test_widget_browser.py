"""The chat widget in a real browser (Debian's Chromium driven by Playwright),
against the real web app and Rasa server started by the e2e fixture."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import PORTS

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
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
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
