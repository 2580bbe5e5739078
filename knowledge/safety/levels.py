"""The safety levels, the detector's result, and the one reader of labelled files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, NamedTuple, Optional, Tuple

LEVELS: Tuple[str, ...] = ("acute", "suicide", "disclosure", "distress")  # priority order, highest first
LABELS: Tuple[str, ...] = LEVELS + ("none",)
# What a `none` line is, in files with a kind column: a look-alike of a signal,
# an ordinary question about the chain, or a message from outside the domain.
KINDS: Tuple[str, ...] = ("signal", "lookalike", "ordinary", "ood")


@dataclass(frozen=True)
class SafetySignal:
    """Result of detect(): the highest level found and the ids of what fired.

    `failed` is true when a layer of the detector raised: the caller then shows
    the helplines, because a broken detector must not look like "no signal"."""

    level: Optional[str]
    rules: Tuple[str, ...] = ()
    failed: bool = False

    @property
    def fired(self) -> bool:
        return self.level is not None


class Labelled(NamedTuple):
    label: str
    text: str
    kind: str


def read_labelled(path: Path) -> Tuple[List[Labelled], int]:
    """Rows of a `label<TAB>text` or `label<TAB>kind<TAB>text` file, and how many
    lines were malformed. Blank lines and lines starting with # are comments."""
    rows: List[Labelled] = []
    skipped = 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        label = parts[0].strip().lower()
        if len(parts) >= 3 and parts[1].strip().lower() in KINDS:
            kind, text = parts[1].strip().lower(), "\t".join(parts[2:])
        else:
            kind, text = ("signal" if label != "none" else "lookalike"), "\t".join(parts[1:])
        if len(parts) < 2 or label not in LABELS or not text.strip():
            skipped += 1
            continue
        rows.append(Labelled(label, text, kind))
    return rows, skipped
