"""Create the FastAPI app and serve it.

python -m webapp.app      # port WEB_PORT (8000)
"""

from __future__ import annotations

from typing import Any, Dict

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select

from knowledge.config import REPO_ROOT, settings
from knowledge.db import session_scope
from knowledge.models import Article
from webapp import api_articles, api_handoff

WIDGET_DIR = REPO_ROOT / "web_widget"


def create_app() -> FastAPI:
    app = FastAPI(
        title="Informatiepunt jeugdbescherming",
        description="Kennisbank en chat voor ouders in de jeugdbeschermingsketen.",
        version="1.0",
    )
    # The widget runs on municipalities' own sites: allow cross-origin calls
    # without cookies (the handoff API uses a ticket token header instead).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "X-Ticket-Token"],
    )
    app.include_router(api_articles.router)
    app.include_router(api_articles.pages)
    app.include_router(api_handoff.parent)
    app.include_router(api_handoff.staff)
    app.mount("/widget", StaticFiles(directory=WIDGET_DIR), name="widget")

    @app.get("/healthz")
    def healthz() -> Dict[str, Any]:
        with session_scope() as session:
            count = session.execute(select(func.count(Article.id))).scalar_one()
        return {"status": "ok", "articles": count}

    @app.get("/", response_class=HTMLResponse)
    def demo_page() -> str:
        page = (WIDGET_DIR / "index.html").read_text(encoding="utf-8")
        return page.replace("{{BOT_URL}}", settings().bot_public_url)

    return app


app = create_app()

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=settings().web_port, log_level="warning", ws="none", access_log=False)
