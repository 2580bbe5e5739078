"""Dutch dates as parents type them: "3 november", "13-11", "gisteren",
"vorige week dinsdag", "twee weken geleden". Relative to TODAY; a date without
a year is the last such date that is not in the future."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from knowledge.language import fold

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"maandag": 0, "dinsdag": 1, "woensdag": 2, "donderdag": 3, "vrijdag": 4, "zaterdag": 5, "zondag": 6}
NUMBERS = {
    "een": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:e|ste|de)?\s+({_MONTH_NAMES})\b\.?(?:\s+(\d{{4}}))?")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\b")
_AGO = re.compile(r"\b(\d{1,2}|" + "|".join(NUMBERS) + r")\s+(dag|dagen|week|weken|maand|maanden)\s+geleden\b")
_WEEKDAY = re.compile(r"\b(vorige week|afgelopen|vorige|deze week|op|sinds)?\s*(" + "|".join(WEEKDAYS) + r")\b")


def _year(day: int, month: int, year: Optional[str], today: dt.date) -> Optional[dt.date]:
    try:
        if year:
            full = int(year) + (2000 if len(year) == 2 else 0)
            return dt.date(full, month, day)
        candidate = dt.date(today.year, month, day)
        return candidate if candidate <= today else dt.date(today.year - 1, month, day)
    except ValueError:
        return None


def _minus_months(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def parse_date(text: str, today: dt.date) -> Optional[dt.date]:
    """The first date in TEXT, or None."""
    t = fold(text)
    if re.search(r"\beergisteren\b", t):
        return today - dt.timedelta(days=2)
    if re.search(r"\bgisteren\b|\bgister\b", t):
        return today - dt.timedelta(days=1)
    if re.search(r"\bvandaag\b|\bvanochtend\b|\bvanmiddag\b|\bzojuist\b|\bnet\b binnen", t):
        return today
    match = _DAY_MONTH.search(t)
    if match:
        return _year(int(match.group(1)), MONTHS[match.group(2)], match.group(3), today)
    match = _NUMERIC.search(t)
    if match and 1 <= int(match.group(2)) <= 12:
        return _year(int(match.group(1)), int(match.group(2)), match.group(3), today)
    match = _AGO.search(t)
    if match:
        n = int(match.group(1)) if match.group(1).isdigit() else NUMBERS[match.group(1)]
        unit = match.group(2)
        if unit.startswith("dag"):
            return today - dt.timedelta(days=n)
        if unit.startswith("we"):  # week, weken
            return today - dt.timedelta(weeks=n)
        return _minus_months(today, n)
    match = _WEEKDAY.search(t)
    if match:
        wanted = WEEKDAYS[match.group(2)]
        back = (today.weekday() - wanted) % 7
        if match.group(1) == "vorige week":
            # "vorige week dinsdag": the Tuesday of last week (Monday-Sunday weeks).
            monday = today - dt.timedelta(days=today.weekday() + 7)
            return monday + dt.timedelta(days=wanted)
        return today - dt.timedelta(days=back or 7) if back == 0 and match.group(1) else today - dt.timedelta(days=back)
    return None
