"""The evaluation sets in tests/data, and which of them nobody has looked at yet.

A set is unseen until it is measured once; after that it is a development set
(its mistakes may be read and tuned on) and a new helper-written set, made
without sight of the articles, patterns or training data, takes its place.
Tools that print messages (`--mistakes`, `--show-errors`) never do so for an
unseen set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, List

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"

# Round 5: safety set 7 was measured once on 2026-12-04 at about 14:48 UTC (commit
# 5167f41), safety set 8 at about 17:44 UTC (commit b6c3535, `python -m
# scripts.safety_report`); both are development sets since.
# Round 6: safety set 9 (800 messages, written blind by a helper) was measured once on
# 2026-12-04 at about 20:47 UTC (commit cd15307, `make safety-report`); a development set since.
# Round 7: safety set 10 (800 messages, helper-46, kinds only) was measured once on 2026-12-08 at
# about 01:42 UTC (commit 609211a, `make safety-report`); a development set since.
# Round 8: safety set 11 (793 messages, helper-48, kinds only) was measured once on 2026-12-08 at
# about 02:45 UTC (commit a9d1ca3, `make safety-report`); a development set since.
UNSEEN: frozenset = frozenset()


def development(paths: Iterable[Path]) -> List[Path]:
    """The paths that are not unseen sets."""
    return [p for p in paths if p.name not in UNSEEN]
