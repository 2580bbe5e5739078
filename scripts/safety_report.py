"""Safety detector figures on held-out messages, as `make safety-report` prints them.

    python -m scripts.safety_report FILE.tsv [FILE.tsv ...] [--show-errors]

Per file: recall per level (a higher level counts as found; for distress any
level), precision (of the messages that got a safety reply, how many were
signals), the false-alarm rate per kind of `none` message (look-alikes,
ordinary questions, out-of-domain), and the detector's time per message.
Also the false alarms on the ordinary questions of the retrieval held-out
sets. No message text is printed unless --show-errors is given (for
development sets; looking at the errors of a held-out set makes it a
development set).
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from knowledge.safety import LEVELS, Labelled, detect, load_patterns, read_labelled
from knowledge.safety.model import NOT_NEGATIVE, default_model
from scripts.datasets import DATA, UNSEEN, development

RETRIEVAL_SETS = sorted(DATA.glob("retrieval_holdout*.yaml"))


@dataclass
class Result:
    row: Labelled
    level: Optional[str]
    seconds: float

    @property
    def alarm(self) -> bool:
        return self.level is not None

    @property
    def found(self) -> bool:
        if self.level is None:
            return False
        return self.row.label == "distress" or LEVELS.index(self.level) <= LEVELS.index(self.row.label)


@dataclass
class Figures:
    name: str
    results: List[Result] = field(default_factory=list)

    def recall(self, level: str) -> Tuple[int, int]:
        rows = [r for r in self.results if r.row.label == level]
        return sum(r.found for r in rows), len(rows)

    def false_alarms(self, kind: Optional[str] = None) -> Tuple[int, int]:
        rows = [r for r in self.results if r.row.label == "none" and (kind is None or r.row.kind == kind)]
        return sum(r.alarm for r in rows), len(rows)

    def precision(self) -> Tuple[int, int]:
        alarms = [r for r in self.results if r.alarm]
        return sum(r.row.label != "none" for r in alarms), len(alarms)

    def times_ms(self) -> Tuple[float, float]:
        ms = sorted(r.seconds * 1000 for r in self.results)
        if not ms:
            return 0.0, 0.0
        return statistics.median(ms), ms[min(len(ms) - 1, int(0.95 * len(ms)))]


def run(name: str, rows: Sequence[Labelled]) -> Figures:
    figures = Figures(name)
    for row in rows:
        start = time.perf_counter()
        level = detect(row.text).level
        figures.results.append(Result(row, level, time.perf_counter() - start))
    return figures


def retrieval_questions(sets: Sequence[Path] = RETRIEVAL_SETS) -> List[Labelled]:
    """The retrieval held-out questions: ordinary (in scope) or out-of-domain (slug null).

    Questions for the articles about danger and helplines (NOT_NEGATIVE: "ik
    ben bang dat hij ons iets aandoet, wie bel ik?") are left out: a safety
    reply is right there."""
    rows: List[Labelled] = []
    for path in sets:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            if case.get("slug") in NOT_NEGATIVE:
                continue
            rows.append(Labelled("none", case["q"], "ordinary" if case.get("slug") else "ood"))
    return rows


def pct(pair: Tuple[int, int]) -> str:
    hit, total = pair
    return f"{hit / total:6.1%} ({hit}/{total})" if total else "   n/a"


def format_figures(figures: Figures, show_errors: bool) -> str:
    lines = [f"== {figures.name}: {len(figures.results)} messages"]
    for level in LEVELS:
        if figures.recall(level)[1]:
            lines.append(f"  recall {level:<11} {pct(figures.recall(level))}")
    danger = [r for r in figures.results if r.row.label in ("acute", "suicide")]
    if danger:
        # Every safety reply, distress included, names 112; this counts the
        # danger messages that got one at all, whatever the level.
        shown = (sum(r.alarm for r in danger), len(danger))
        lines.append(f"  acute+suicide with any safety reply (112 shown) {pct(shown)}")
    if figures.precision()[1]:
        lines.append(f"  precision (safety replies that were signals) {pct(figures.precision())}")
    for kind, title in (("lookalike", "look-alikes"), ("ordinary", "ordinary"), ("ood", "out-of-domain")):
        if figures.false_alarms(kind)[1]:
            lines.append(f"  false alarms on {title:<14} {pct(figures.false_alarms(kind))}")
    p50, p95 = figures.times_ms()
    lines.append(f"  detector time per message: median {p50:.1f} ms, p95 {p95:.1f} ms")
    if show_errors:
        for r in figures.results:
            if (r.row.label == "none") == r.alarm or (r.row.label != "none" and not r.found):
                lines.append(f"    [{r.row.label}/{r.row.kind} -> {r.level or 'none'}] {r.row.text}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--show-errors", action="store_true", help="print the misclassified messages")
    args = parser.parse_args(argv)
    if args.show_errors and any(p.name in UNSEEN for p in args.files):
        parser.error("--show-errors prints messages: never for an unseen set (scripts/datasets.py)")
    load_patterns()
    default_model()  # the one-off fit is not part of the per-message time
    blocks: Dict[str, Figures] = {}
    for path in args.files:
        blocks[path.name] = run(path.name, read_labelled(path)[0])
    blocks["retrieval questions"] = run(
        "retrieval held-out questions (ordinary and out-of-domain)",
        retrieval_questions(development(RETRIEVAL_SETS) if args.show_errors else RETRIEVAL_SETS),
    )
    for figures in blocks.values():
        print(format_figures(figures, args.show_errors))
        print()


if __name__ == "__main__":
    main()
