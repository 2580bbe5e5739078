"""detect(): the two layers together, failing safe."""

from __future__ import annotations

import logging
from typing import List, Set, Tuple

from knowledge.safety.levels import LEVELS, SafetySignal
from knowledge.safety.model import default_model
from knowledge.safety.rules import assess_rules, load_patterns

log = logging.getLogger(__name__)


def detect(text: object) -> SafetySignal:
    """Detect a safety signal in one chat message; never raises, never fails open.

    Two layers: the pattern rules, and the trained model for phrasings no rule
    foresaw. The most serious level either finds wins. If a layer raises, the
    other still answers and the signal says `failed`, so that the caller shows
    the helplines: a broken detector must not read as "no danger".
    """
    if not isinstance(text, str) or not text.strip():
        return SafetySignal(None, ())
    found: List[Tuple[str, str]] = []
    vetoed: Set[str] = set()
    failed = False
    try:
        fired, vetoed = assess_rules(text)
        found += fired
    except Exception as exc:  # noqa: BLE001 - a broken pattern file must not break the chat
        log.error("safety patterns failed (%s); the trained layer still runs", type(exc).__name__)
        failed = True
    try:
        level = default_model().level(text, skip=vetoed)
        if level:
            found.append((level, f"{level}.model"))
    except Exception as exc:  # noqa: BLE001 - likewise for the trained layer
        log.error("safety model failed (%s); the pattern layer still runs", type(exc).__name__)
        failed = True
    found.sort(key=lambda pair: LEVELS.index(pair[0]))
    if not found:
        return SafetySignal(None, (), failed)
    return SafetySignal(found[0][0], tuple(rule_id for _, rule_id in found), failed)


def warm_up() -> None:
    """Compile the patterns and fit the trained layer now (about 20 s), at a
    service's start-up, rather than on the first message a parent sends."""
    load_patterns()
    default_model()
