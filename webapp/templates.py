"""Jinja2 templates of the server-rendered pages (login, naslag, inzichten)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

# Every page of the web app: no inline script or style, nothing from elsewhere.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))
