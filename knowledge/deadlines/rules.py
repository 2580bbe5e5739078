"""Deadline rules from content/deadlines.yaml and the arithmetic of the last day."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from knowledge.config import CONTENT_DIR
from knowledge.language import ngrams_match, words


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    short: str
    words: Tuple[str, ...]  # name the deadline itself: "hoger beroep"
    context_words: Tuple[str, ...]  # point to it only with "tot wanneer": "uitspraak"
    period: Tuple[str, int]  # ("months", 3)
    date_is: str
    article: Optional[str]
    source: str
    caveat: str
    check: str


@dataclass(frozen=True)
class Rules:
    decisions: Dict[str, Rule]
    fixed_holidays: Tuple[Tuple[int, int], ...]
    easter_offsets: Tuple[int, ...]

    def find(self, text: str) -> Tuple[Optional[Rule], bool]:
        """The decision TEXT names (longest phrase first), and whether it was
        named by its own words rather than only by context words."""
        phrases: Dict[Tuple[str, ...], Tuple[str, bool]] = {}
        for rule in self.decisions.values():
            for own, group in ((True, rule.words), (False, rule.context_words)):
                for w in group:
                    if words(w):
                        phrases.setdefault(tuple(words(w)), (rule.key, own))
        found = ngrams_match(words(text), phrases, max((len(p) for p in phrases), default=1))
        if not found:
            return None, False
        named = [f for f in found if f[2][1]]
        start, end, (key, own) = max(named or found, key=lambda f: f[1] - f[0])
        return self.decisions[key], own


PERIODS = ("days", "weeks", "months", "years")


@lru_cache(maxsize=4)
def load_rules(path: Optional[Path] = None) -> Rules:
    data = yaml.safe_load((path or CONTENT_DIR / "deadlines.yaml").read_text(encoding="utf-8"))
    decisions = {}
    for key, spec in (data.get("decisions") or {}).items():
        ((unit, amount),) = spec["period"].items()
        if unit not in PERIODS:
            raise ValueError(f"deadlines.yaml, {key}: period must be one of {PERIODS}")
        decisions[key] = Rule(
            key=key,
            label=spec["label"],
            short=spec.get("short") or spec["label"],
            words=tuple(spec.get("words") or ()),
            context_words=tuple(spec.get("context_words") or ()),
            period=(unit, int(amount)),
            date_is=spec["date_is"],
            article=spec.get("article"),
            source=spec.get("source", ""),
            caveat=spec.get("caveat", ""),
            check=spec.get("check", ""),
        )
    holidays = data.get("holidays") or {}
    fixed = tuple(tuple(int(x) for x in d.split("-")) for d in holidays.get("fixed") or ())
    return Rules(decisions, fixed, tuple(int(x) for x in holidays.get("easter_offsets") or ()))  # type: ignore[arg-type]


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian; the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def holidays(year: int, rules: Rules) -> List[dt.date]:
    days = []
    for month, day in rules.fixed_holidays:
        date = dt.date(year, month, day)
        if (month, day) == (4, 27) and date.weekday() == 6:
            date = dt.date(year, 4, 26)  # Koningsdag on a Sunday is held the day before
        days.append(date)
    sunday = easter(year)
    return days + [sunday + dt.timedelta(days=n) for n in rules.easter_offsets]


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day number MONTHS later; the month's last day where it has none."""
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def raw_last_day(rule: Rule, date: dt.date) -> dt.date:
    """DATE plus the period: counting starts the day after DATE."""
    start = date
    unit, amount = rule.period
    if unit == "days":
        return start + dt.timedelta(days=amount)
    if unit == "weeks":
        return start + dt.timedelta(weeks=amount)
    return add_months(start, amount * (12 if unit == "years" else 1))


def last_day(rule: Rule, date: dt.date, rules: Optional[Rules] = None) -> Tuple[dt.date, bool]:
    """The last day to act, and whether it moved past a weekend or holiday."""
    rules = rules or load_rules()
    day = raw_last_day(rule, date)
    moved = False
    while day.weekday() >= 5 or day in holidays(day.year, rules):
        day += dt.timedelta(days=1)
        moved = True
    return day, moved
