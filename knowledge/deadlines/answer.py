"""A deadline question read from a message, and the answer with the last day."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Dict, Optional

from knowledge.answers import Answer
from knowledge.deadlines.dates import MONTHS, WEEKDAYS, parse_date
from knowledge.deadlines.rules import Rule, last_day, load_rules
from knowledge.language import fold

# Words that ask for a date to be worked out ("tot wanneer kan ik ...").
ASKS = (
    "tot wanneer",
    "uiterlijk",
    "laatste dag",
    "deadline",
    "termijn",
    "hoeveel tijd",
    "wanneer moet",
    "te laat",
    "op tijd",
)
ADVICE = "Dit is een berekening, geen juridisch advies. Laat een advocaat of het Juridisch Loket meekijken."
_MONTH_NAMES = {n: name for name, n in MONTHS.items() if len(name) > 4 or name == "mei"}
_DAY_NAMES = {n: name for name, n in WEEKDAYS.items()}


@dataclass(frozen=True)
class Request:
    rule: Optional[Rule]
    date: Optional[dt.date]
    asks: bool  # the message asks until when

    named: bool  # the rule was named by its own words ("hoger beroep"), not only by context ("uitspraak")

    @property
    def wants_calculation(self) -> bool:
        """A date with a named decision ("we kregen gisteren een schriftelijke
        aanwijzing") or with "tot wanneer": work it out."""
        return self.date is not None and ((self.rule is not None and self.named) or self.asks)


def read_request(text: str, today: dt.date) -> Request:
    folded = fold(text)
    rule, named = load_rules().find(text)
    asks = any(a in folded for a in ASKS)
    return Request(rule if (named or asks) else None, parse_date(text, today), asks, named)


def dutch_date(day: dt.date) -> str:
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month]} {day.year}"


def deadline_answer(rule: Rule, decided_on: dt.date, today: dt.date) -> Answer:
    last, moved = last_day(rule, decided_on)
    unit, amount = rule.period
    period = {"days": "dagen", "weeks": "weken", "months": "maanden", "years": "jaar"}[unit]
    if amount == 1:
        period = {"days": "dag", "weeks": "week", "months": "maand", "years": "jaar"}[unit]
    lines = [f"Voor {rule.label} heb je {amount} {period}. Ik reken vanaf {rule.date_is}: {dutch_date(decided_on)}."]
    if last < today:
        lines.append(
            f"De laatste dag was dan waarschijnlijk {dutch_date(last)}. Die dag is voorbij. "
            "Vraag toch een advocaat of het Juridisch Loket om raad. Soms kan er nog iets."
        )
    else:
        lines.append(f"De laatste dag is dan waarschijnlijk {dutch_date(last)}. Wacht niet tot die dag.")
    if moved:
        lines.append(
            "De termijn eindigde in een weekend of op een feestdag. Daarom schuift hij op naar de werkdag erna."
        )
    if rule.caveat:
        lines.append(rule.caveat)
    lines.append(ADVICE)
    return Answer(
        text="\n\n".join(lines),
        payload={
            "kind": "deadline",
            "decision": rule.key,
            "date": decided_on.isoformat(),
            "last_day": last.isoformat(),
            "article": rule.article,
            "source": rule.source,
            "checked": None,
        },
        buttons=[{"title": "Hoe vind ik een advocaat?", "payload": '/ask_article{"article": "advocaat"}'}],
    )


def deadline_button(rule: Rule, decided_on: Optional[dt.date] = None) -> Dict[str, str]:
    """A button that starts the deadline helper for RULE (and the date, if known)."""
    entities = {"deadline_decision": rule.key}
    if decided_on is not None:
        entities["deadline_date"] = decided_on.isoformat()
    title = f"Reken uit: {rule.short}" if decided_on else "Reken de laatste dag voor me uit"
    return {"title": title, "payload": "/ask_deadline" + json.dumps(entities)}


def which_decision(decided_on: dt.date) -> Answer:
    """A date but no decision: ask which one, with a button per rule."""
    rules = load_rules().decisions.values()
    return Answer(
        text=(
            "Ik kan uitrekenen tot wanneer je iets kunt doen. Over welke beslissing gaat het? "
            f"Je noemde {dutch_date(decided_on)}."
        ),
        payload={"kind": "deadline_question", "date": decided_on.isoformat()},
        buttons=[deadline_button(r, decided_on) for r in rules],
    )
