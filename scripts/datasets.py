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

# Round 5 (2026-12-04): safety set 7, written by a helper who saw only the kinds
# of messages wanted. Measured once, then emptied again.
UNSEEN: frozenset = frozenset({"safety_holdout_v7.tsv"})


def development(paths: Iterable[Path]) -> List[Path]:
    """The paths that are not unseen sets."""
    return [p for p in paths if p.name not in UNSEEN]
