"""Every page of the web app is sent with a strict Content-Security-Policy, and
the staff pages carry no inline script or style that such a policy would block
(the browser test, tests/test_pages_browser.py, checks that nothing is blocked)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import pytest
from fastapi.testclient import TestClient

from tests.staff_accounts import logged_in

ROOT = Path(__file__).resolve().parent.parent
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize("page", ["staff.html", "editor.html", "index.html"])
def test_the_static_pages_have_no_inline_script_or_style(page: str) -> None:
    assert INLINE.findall((ROOT / "web_widget" / page).read_text(encoding="utf-8")) == []


def test_the_templates_have_no_inline_script_or_style() -> None:
    for template in (ROOT / "webapp" / "templates").glob("*.html"):
        assert INLINE.findall(template.read_text(encoding="utf-8")) == [], template.name


@pytest.mark.parametrize(
    "user,path",
    [
        (None, "/login"),
        (None, "/naslag"),
        ("anna", "/staff"),
        ("eind", "/editor"),
        ("eind", "/inzichten"),
        ("beheer", "/beheer/accounts"),
        (None, "/widget/staff.html"),
    ],
)
def test_every_page_is_sent_with_a_strict_policy(client: TestClient, user: Optional[str], path: str) -> None:
    if user:
        logged_in(client, user)
    response = client.get(path)
    assert response.status_code == 200, response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
