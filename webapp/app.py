"""Create the FastAPI app and serve it.

python -m webapp.app      # port WEB_PORT (8000)
"""

from __future__ import annotations

from typing import Any, Dict

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select

from knowledge.accounts import Forbidden
from knowledge.config import REPO_ROOT
from knowledge.db import session_scope
from knowledge.models import Article
from knowledge.safety import warm_up
from webapp import (
    accounts_admin,
    api_articles,
    api_chat,
    api_editorial,
    api_handoff,
    auth,
    editor_preview,
    insights,
    login,
    naslag,
    security,
)
from webapp.templates import PAGE_CSP, templates

WIDGET_DIR = REPO_ROOT / "web_widget"
# The demo page is a municipality's page with the strictest policy a host can
# have and still embed the widget: no inline script or style anywhere; scripts,
# styles and calls only to the widget's own origin (here the same one). Our own
# pages (login, naslag, editor, staff console, beheer) get the same policy.
DEMO_CSP = PAGE_CSP
# The generated API documentation loads its own inline script.
OWN_POLICY_PATHS = ("/docs", "/redoc")


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
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type", "X-Ticket-Token"],
    )
    app.include_router(api_chat.router)
    app.include_router(api_articles.router)
    app.include_router(api_articles.pages)
    app.include_router(api_handoff.parent)
    app.include_router(api_handoff.staff)
    app.include_router(login.router)
    app.include_router(api_editorial.router)
    app.include_router(naslag.router)
    app.include_router(insights.router)
    app.include_router(accounts_admin.router)
    app.include_router(editor_preview.router)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        # Per-object rules (knowledge.accounts.permissions) say why, in Dutch:
        # a page for a browser that asked for a page, JSON for the API.
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            context = {"who": auth.who_is(request), "reason": str(exc)}
            return templates.TemplateResponse(request, "geen_toegang.html", context, status_code=403)
        return JSONResponse({"detail": str(exc)}, status_code=403)

    app.mount("/widget", StaticFiles(directory=WIDGET_DIR), name="widget")

    @app.get("/healthz")
    def healthz() -> Dict[str, Any]:
        with session_scope() as session:
            count = session.execute(select(func.count(Article.id))).scalar_one()
        return {"status": "ok", "articles": count}

    @app.middleware("http")
    async def widget_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if request.url.path.startswith("/widget/"):
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Cache-Control"] = "no-cache"
        html = response.headers.get("content-type", "").startswith("text/html")
        if html and "content-security-policy" not in response.headers:
            if not request.url.path.startswith(OWN_POLICY_PATHS):
                response.headers["Content-Security-Policy"] = PAGE_CSP
        return response

    @app.get("/", response_class=HTMLResponse)
    def demo_page() -> HTMLResponse:
        page = (WIDGET_DIR / "index.html").read_text(encoding="utf-8")
        return HTMLResponse(page, headers={"Content-Security-Policy": DEMO_CSP, "Referrer-Policy": "no-referrer"})

    # Outermost: security headers, trusted hosts, relative redirects, bad paths, body limits.
    security.install(app)
    return app


app = create_app()


def served_app() -> FastAPI:
    """The app as the launcher serves it (`uvicorn --factory webapp.app:served_app`):
    refuses to start without a usable secret for Rasa's API."""
    from knowledge.config import require_secret, settings

    require_secret("RASA_JWT_SECRET", settings().rasa_jwt_secret)
    # Chat and handoff messages pass the safety detector in this process too,
    # and search, the reference tool and the editor's preview use the retrieval
    # index: both are ready before the port opens, so that no request waits for
    # a fit (the index's classifier takes about 25 s on two cores).
    warm_up()
    with session_scope() as session:
        api_articles.RETRIEVER.index(session)
    return create_app()


if __name__ == "__main__":
    import uvicorn

    from knowledge.config import settings

    uvicorn.run(
        app, host=settings().web_host, port=settings().web_port, log_level="warning", ws="none", access_log=False
    )
