"""The deadline helper: until when can a parent act on a decision?

Rules (which decision, how long, from when) are content in
content/deadlines.yaml; this package parses Dutch dates and computes the last
day, moved past weekends and holidays. The answer always says to have it
checked: it is a calculation, not legal advice.
"""

from knowledge.deadlines.answer import (
    Request,
    deadline_answer,
    deadline_button,
    dutch_date,
    read_request,
    which_decision,
)
from knowledge.deadlines.dates import parse_date
from knowledge.deadlines.rules import Rule, Rules, last_day, load_rules

__all__ = [
    "Request",
    "Rule",
    "Rules",
    "deadline_answer",
    "deadline_button",
    "dutch_date",
    "last_day",
    "load_rules",
    "parse_date",
    "read_request",
    "which_decision",
]
