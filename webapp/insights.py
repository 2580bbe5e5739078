"""Insights for editors (/inzichten): the questions the bot could not answer well,
masked and grouped, per topic and week, with one click to a new article or
an extra example question; and ticket counts per municipality and urgency."""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from knowledge import insights
from knowledge.accounts import permissions
from knowledge.accounts.sessions import Current
from knowledge.db import session_scope
from knowledge.models import Ticket
from webapp.auth import api_user, page_user
from webapp.templates import templates

router = APIRouter(tags=["inzichten"])
URGENCY = {0: "acuut", 1: "geweld of mishandeling", 2: "zware zorgen", 3: "vraag"}


def _with_links(group: Dict[str, Any], topic: Optional[str]) -> Dict[str, Any]:
    """One click to the editor: a new article with every variant as an example
    question, or the variants added to the closest article."""
    asked = [v["question"] for v in group["variants"]]
    links = {"new_link": "/editor?" + urlencode({"nieuw": asked}, doseq=True)}
    if topic:
        links["add_link"] = "/editor?" + urlencode({"artikel": topic, "vraag": asked}, doseq=True)
    return {**group, **links}


def _data(weeks: int) -> Dict[str, Any]:
    with session_scope() as session:
        topics = insights.summary(session, weeks=weeks)
        tickets = Counter(
            (m or "onbekend", URGENCY.get(u, "vraag"))
            for m, u in session.execute(select(Ticket.municipality, Ticket.urgency))
        )
    for topic in topics:
        topic["questions"] = [_with_links(q, topic["topic"]) for q in topic["questions"]]
    largest = insights.largest_groups(topics)
    handoffs: List[Dict[str, Any]] = [
        {"municipality": m, "urgency": u, "count": n} for (m, u), n in sorted(tickets.items())
    ]
    return {"topics": topics, "largest": largest, "handoffs": handoffs, "weeks": weeks}


@router.get("/api/v1/insights")
def insights_json(weeks: int = 8, who: Current = Depends(api_user)) -> Dict[str, Any]:
    permissions.sees_insights(who.principal)
    return _data(max(1, min(weeks, 52)))


@router.get("/inzichten", response_class=HTMLResponse)
def insights_page(request: Request, weeks: int = 8, who: Current = Depends(page_user)) -> Response:
    permissions.sees_insights(who.principal)
    return templates.TemplateResponse(request, "inzichten.html", {"who": who, **_data(max(1, min(weeks, 52)))})
