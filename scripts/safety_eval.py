#!/usr/bin/env python3
"""Evaluate the safety-signal detector on labelled TSV files.

    python scripts/safety_eval.py knowledge/content/safety_examples/written-1.tsv [MORE.tsv ...]
    python scripts/safety_eval.py --fuzzy-check /usr/share/dict/dutch

Each file has one message per line: ``label<TAB>text`` with label in
acute, suicide, disclosure, distress, none (lines starting with # are skipped).
A signal counts as found when detect() returns that level or a higher one
(for distress: any level).  Exits 1 when a file misses a target:
acute and suicide recall 100%, disclosure recall >= 95%, false alarms on
``none`` <= 5%.

``--fuzzy-check WORDLIST`` lists real words that the typo matching would
rewrite into a pattern word; review them and add the wrong ones to
``never_fuzzy`` in knowledge/content/safety_patterns.yaml.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from knowledge.safety import LABELS, LEVELS, SafetySignal, detect, load_patterns, read_labelled  # noqa: E402

TARGETS = {"acute": 1.0, "suicide": 1.0, "disclosure": 0.95}
MAX_FALSE_ALARM_RATE = 0.05


@dataclass
class Outcome:
    label: str
    text: str
    signal: SafetySignal

    @property
    def found(self) -> bool:
        """Same level or a higher one (for ``none``: nothing fired)."""
        if self.label == "none":
            return not self.signal.fired
        return self.signal.fired and LEVELS.index(self.signal.level) <= LEVELS.index(self.label)


@dataclass
class Report:
    name: str
    outcomes: List[Outcome] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0

    def rows(self, label: str) -> List[Outcome]:
        return [o for o in self.outcomes if o.label == label]

    def recall(self, label: str) -> Optional[float]:
        rows = self.rows(label)
        return sum(o.found for o in rows) / len(rows) if rows else None

    def false_alarm_rate(self) -> Optional[float]:
        rows = self.rows("none")
        return sum(not o.found for o in rows) / len(rows) if rows else None

    def confusion(self) -> Dict[Tuple[str, str], int]:
        return Counter((o.label, o.signal.level or "none") for o in self.outcomes)

    def failures(self) -> List[str]:
        """The targets this file misses (empty when all are met)."""
        out = []
        for label, target in TARGETS.items():
            r = self.recall(label)
            if r is not None and r < target:
                out.append(f"{label} recall {r:.1%} < {target:.0%}")
        fa = self.false_alarm_rate()
        if fa is not None and fa > MAX_FALSE_ALARM_RATE:
            out.append(f"false-alarm rate on none {fa:.1%} > {MAX_FALSE_ALARM_RATE:.0%}")
        return out


def read_tsv(path: Path) -> Tuple[List[Tuple[str, str]], int]:
    """(label, text) pairs and the number of malformed lines skipped."""
    rows, skipped = read_labelled(path)
    return [(row.label, row.text) for row in rows], skipped


def evaluate(path: Path, detector: Callable[[str], SafetySignal] = detect) -> Report:
    rows, skipped = read_tsv(path)
    report = Report(name=str(path), skipped=skipped)
    load_patterns()  # the one-off load is not part of the per-message time
    start = time.perf_counter()
    for label, text in rows:
        report.outcomes.append(Outcome(label, text, detector(text)))
    report.seconds = time.perf_counter() - start
    return report


def _pct(x: Optional[float]) -> str:
    return "  n/a" if x is None else f"{x:6.1%}"


def format_report(report: Report) -> str:
    lines = [
        f"== {report.name}: {len(report.outcomes)} messages"
        + (f" ({report.skipped} malformed lines skipped)" if report.skipped else "")
    ]
    lines.append("recall (that level or higher):")
    for label in LEVELS:
        rows = report.rows(label)
        target = TARGETS.get(label)
        lines.append(
            f"  {label:<11} {_pct(report.recall(label))}  ({sum(o.found for o in rows)}/{len(rows)})"
            + (f"  target {target:.0%}" if target else "")
        )
    none_rows = report.rows("none")
    lines.append(
        f"false alarms on none: {_pct(report.false_alarm_rate())}  "
        f"({sum(not o.found for o in none_rows)}/{len(none_rows)})  target <= {MAX_FALSE_ALARM_RATE:.0%}"
    )

    confusion = report.confusion()
    cols = list(LEVELS) + ["none"]
    lines.append("confusion (rows: label, columns: detected level):")
    lines.append("  " + " " * 11 + "".join(f"{c:>11}" for c in cols))
    for label in LABELS:
        if report.rows(label):
            lines.append(f"  {label:<11}" + "".join(f"{confusion.get((label, c), 0):>11}" for c in cols))
    for level in LEVELS:  # precision-style: of the messages given this level, how many were labelled so
        given = [o for o in report.outcomes if o.signal.level == level]
        if given:
            exact = sum(o.label == level for o in given)
            lines.append(
                f"  detected {level:<11} {len(given):>4}: {exact} labelled {level}, "
                f"{sum(o.label == 'none' for o in given)} labelled none"
            )

    misses = [o for o in report.outcomes if o.label != "none" and not o.found]
    if misses:
        lines.append(f"misses ({len(misses)}):")
        for o in misses:
            lines.append(f"  [{o.label} -> {o.signal.level or 'none'}] {','.join(o.signal.rules) or '-'} | {o.text}")
    alarms = [o for o in report.outcomes if o.label == "none" and not o.found]
    if alarms:
        lines.append(f"false alarms ({len(alarms)}):")
        for o in alarms:
            lines.append(f"  [none -> {o.signal.level}] {','.join(o.signal.rules)} | {o.text}")
    if report.outcomes:
        lines.append(f"speed: {report.seconds / len(report.outcomes) * 1000:.2f} ms per message")
    failures = report.failures()
    lines.append("RESULT: " + ("all targets met" if not failures else "MISSED: " + "; ".join(failures)))
    return "\n".join(lines)


INFLECTION_ENDINGS = (
    "",
    "e",
    "n",
    "en",
    "s",
    "t",
    "d",
    "de",
    "te",
    "den",
    "ten",
    "st",
    "r",
    "er",
    "je",
    "jes",
    "tje",
    "tjes",
)


def _inflection(a: str, b: str) -> bool:
    """True when the two words are forms of one word (vrouwen ~ vrouw, voelden ~ voelen)."""
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and long_[len(short) :] in INFLECTION_ENDINGS:
        return True

    def core(w: str) -> str:
        w = w[2:] if w.startswith("ge") and len(w) > 6 else w
        return w.rstrip("dtns").rstrip("e")

    return core(a) == core(b)


def fuzzy_check(wordlist: Path) -> List[Tuple[str, str]]:
    """Real words that typo matching would turn into a different pattern word.

    Inflections of a pattern word ("vrouwen" -> "vrouw") are left out: those
    matches are wanted.  The rest are candidates for ``never_fuzzy``.
    """
    ps = load_patterns().normaliser
    found = {}
    for line in Path(wordlist).read_text(encoding="utf-8", errors="ignore").splitlines():
        word = unicodedata.normalize("NFKD", line.strip().lower())
        word = "".join(c for c in word if c.isascii() and c.isalpha())
        if len(word) < ps.fuzzy_min_len - 1 or word in ps.vocab or word in ps.spellings or word in found:
            continue
        canon = ps.canonical(word)
        if canon != word and not _inflection(word, canon):
            found[word] = canon
    return sorted(found.items())


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="labelled TSV files")
    parser.add_argument(
        "--fuzzy-check", type=Path, metavar="WORDLIST", help="list real words that typo matching would rewrite"
    )
    args = parser.parse_args(argv)
    if args.fuzzy_check:
        words = fuzzy_check(args.fuzzy_check)
        for word, canon in words:
            print(f"{word} -> {canon}")
        print(f"# {len(words)} words", file=sys.stderr)
        return 0
    if not args.files:
        parser.error("give at least one TSV file")
    ok = True
    for path in args.files:
        report = evaluate(path)
        print(format_report(report))
        print()
        ok = ok and not report.failures()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
