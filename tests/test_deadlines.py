"""The deadline helper: Dutch dates and the last day (month ends, leap years,
weekends, holidays), and the answer always says to have it checked."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.deadlines import deadline_answer, last_day, load_rules, parse_date, read_request
from knowledge.deadlines.rules import easter, holidays

TODAY = dt.date(2026, 12, 3)  # a Thursday
RULES = load_rules()
APPEAL = RULES.decisions["hoger-beroep"]
INSTRUCTION = RULES.decisions["schriftelijke-aanwijzing"]
COMPLAINT = RULES.decisions["klacht-raad"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik kreeg de beschikking op 3 november", dt.date(2026, 11, 3)),
        ("op 3 nov.", dt.date(2026, 11, 3)),
        ("de 13-11 kwam de brief", dt.date(2026, 11, 13)),
        ("13/11/2025", dt.date(2025, 11, 13)),
        ("gisteren", dt.date(2026, 12, 2)),
        ("eergisteren", dt.date(2026, 12, 1)),
        ("vandaag gekregen", TODAY),
        ("vorige week dinsdag", dt.date(2026, 11, 24)),
        ("afgelopen maandag", dt.date(2026, 11, 30)),
        ("twee weken geleden", dt.date(2026, 11, 19)),
        ("3 dagen geleden", dt.date(2026, 11, 30)),
        # A date without a year that would be in the future is last year's.
        ("op 20 december", dt.date(2025, 12, 20)),
        ("31 februari", None),
        ("geen datum hier", None),
    ],
)
def test_dutch_dates(text: str, expected: dt.date) -> None:
    assert parse_date(text, TODAY) == expected


def test_appeal_ends_on_the_same_day_number_three_months_later() -> None:
    assert last_day(APPEAL, dt.date(2026, 11, 3)) == (dt.date(2027, 2, 3), False)  # a Wednesday


def test_month_end_and_leap_year() -> None:
    # 30 November + 3 months: February has no 30th -> its last day (Sun 28 Feb 2027 -> Mon 1 March).
    assert last_day(APPEAL, dt.date(2026, 11, 30)) == (dt.date(2027, 3, 1), True)
    # In a leap year February has 29 days: 29 Nov 2027 + 3 months = Tue 29 Feb 2028.
    assert last_day(APPEAL, dt.date(2027, 11, 29)) == (dt.date(2028, 2, 29), False)
    # A complaint within a year of 29 February 2024: 28 February 2025 (a Friday).
    assert last_day(COMPLAINT, dt.date(2024, 2, 29)) == (dt.date(2025, 2, 28), False)


def test_a_last_day_on_a_weekend_or_holiday_moves_to_the_next_working_day() -> None:
    # Sent Saturday 12 December 2026: two weeks later is Saturday 26 December (Tweede Kerstdag);
    # Sunday 27 too: Monday 28 December.
    assert last_day(INSTRUCTION, dt.date(2026, 12, 12)) == (dt.date(2026, 12, 28), True)
    # Easter 2027 is 28 March: Tweede Paasdag Monday 29 March moves to Tuesday 30 March.
    assert easter(2027) == dt.date(2027, 3, 28)
    assert last_day(APPEAL, dt.date(2026, 12, 29)) == (dt.date(2027, 3, 30), True)
    # Koningsdag on a Sunday (2025) is held on Saturday 26 April.
    assert dt.date(2025, 4, 26) in holidays(2025, RULES)


def test_the_examples_of_the_issue() -> None:
    first = read_request("ik kreeg de beschikking op 3 november, tot wanneer kan ik in hoger beroep?", TODAY)
    assert first.wants_calculation and first.rule == APPEAL and first.date == dt.date(2026, 11, 3)
    second = read_request("we kregen gisteren een schriftelijke aanwijzing", TODAY)
    assert second.wants_calculation and second.rule == INSTRUCTION
    answer = deadline_answer(INSTRUCTION, second.date or TODAY, TODAY)
    assert answer.payload["last_day"] == "2026-12-16"
    assert "woensdag 16 december 2026" in answer.text
    assert "Laat een advocaat of het Juridisch Loket meekijken" in answer.text
    assert "geen juridisch advies" in answer.text


def test_a_question_about_a_decision_is_not_a_deadline_calculation() -> None:
    request = read_request("we kregen gisteren een beschikking van de rechter over de ots, wat betekent dat?", TODAY)
    assert not request.wants_calculation


def test_a_deadline_that_passed_says_so_and_still_points_to_help() -> None:
    answer = deadline_answer(APPEAL, dt.date(2026, 1, 5), TODAY)
    assert "Die dag is voorbij" in answer.text and "Juridisch Loket" in answer.text
