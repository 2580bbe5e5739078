"""Held-out messages that are word for word in training data, and their removal.

    python -m scripts.holdout_overlap            # counts per file
    python -m scripts.holdout_overlap --remove   # drop them (a whole conversation
                                                 # when one of its turns overlaps)
    python -m scripts.holdout_overlap --from-training  # or drop them from the
                                                 # training files instead (when
                                                 # new training data was added)

Held-out sets are written by someone who never saw the training data, so an
overlap is a coincidence (a short, common question). It is removed before the
set is used at all; only counts are printed, never the messages, so that
removing them tells the person running it nothing about the set.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Set

import yaml

from knowledge.config import CONTENT_DIR
from knowledge.safety.model import training_examples

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def fold(text: str) -> str:
    return " ".join(str(text).lower().split())


def training_texts() -> Set[str]:
    """Every text any layer learns from: safety examples, NLU data, article questions."""
    texts = {fold(t) for _, t in training_examples()}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                texts.add(fold(line.strip()[2:].strip().strip('"')))
    for path in (CONTENT_DIR / "articles").glob("*.yaml"):
        article = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts.update(fold(q) for q in article.get("example_questions") or [])
    return texts


def conversation_texts(conversation: Dict) -> List[str]:
    return [str(turn.get("user", "")) for turn in conversation.get("turns") or []]


def held_out_texts() -> Dict[str, List[str]]:
    """File name -> every held-out message in it."""
    out: Dict[str, List[str]] = {}
    for path in sorted(DATA.glob("safety_holdout*.tsv")):
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
        out[path.name] = [r[-1] for r in rows if r and r[0] and not r[0].startswith("#") and len(r) >= 2]
    for path in sorted(DATA.glob("retrieval_holdout*.yaml")):
        out[path.name] = [str(c["q"]) for c in yaml.safe_load(path.read_text(encoding="utf-8"))]
    for path in sorted(DATA.glob("entities_holdout*.yaml")):
        out[path.name] = [str(row["text"]) for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    for path in sorted(DATA.glob("conversations_holdout*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out[path.name] = [t for c in data.get("conversations") or [] for t in conversation_texts(c)]
    return out


def overlaps(seen: Set[str]) -> Dict[str, List[str]]:
    return {name: [t for t in texts if fold(t) in seen] for name, texts in held_out_texts().items()}


def _remove(path: Path, seen: Set[str]) -> int:
    """Drop overlapping entries by line (flow-style YAML, TSV) or by conversation."""
    if path.name.startswith("entities_holdout"):
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
        keep = [r for r in rows if fold(r["text"]) not in seen]
        removed = len(rows) - len(keep)
        if removed:
            head = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
            head.append(f"# {removed} message(s) that were word for word in training data were removed.")
            body = yaml.safe_dump(keep, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None)
            path.write_text("\n".join(head) + "\n" + body, encoding="utf-8")
        return removed
    if path.name.startswith("conversations_holdout"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        keep = [c for c in data["conversations"] if not any(fold(t) in seen for t in conversation_texts(c))]
        removed = len(data["conversations"]) - len(keep)
        if removed:
            head = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
            head.append(f"# {removed} conversation(s) with a message word for word in training data were removed.")
            body = yaml.safe_dump({"conversations": keep}, allow_unicode=True, sort_keys=False, width=120)
            path.write_text("\n".join(head) + "\n" + body, encoding="utf-8")
        return removed
    lines = path.read_text(encoding="utf-8").splitlines()
    kept: List[str] = []
    removed = 0
    for line in lines:
        if path.suffix == ".tsv":
            text = line.split("\t")[-1] if "\t" in line and not line.startswith("#") else None
        else:
            entry = yaml.safe_load(line) if line.startswith("- {") else None
            text = str(entry[0].get("q", entry[0].get("text"))) if entry else None
        if text is not None and fold(text) in seen:
            removed += 1
        else:
            kept.append(line)
    if removed:
        at = next((i for i, line in enumerate(kept) if not line.startswith("#")), len(kept))
        kept.insert(at, f"# {removed} message(s) that were word for word in training data were removed.")
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return removed


def _training_files() -> List[Path]:
    return [
        *sorted((CONTENT_DIR / "safety_examples").glob("*.tsv")),
        *sorted((ROOT / "data" / "nlu").glob("*.yml")),
        *sorted((CONTENT_DIR / "articles").glob("*.yaml")),
    ]


def drop_from_training(held_out: Set[str]) -> int:
    """Remove training lines (a TSV row, an NLU or example-question list item)
    whose text is a held-out message."""
    removed = 0
    for path in _training_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        keep = []
        for line in lines:
            if path.suffix == ".tsv":
                text = line.split("\t")[-1] if "\t" in line and not line.startswith("#") else None
            else:
                text = line.strip()[2:].strip().strip('"') if line.strip().startswith("- ") else None
            if text is not None and fold(text) in held_out:
                removed += 1
            else:
                keep.append(line)
        if len(keep) != len(lines):
            path.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return removed


def main(argv: List[str]) -> None:
    if "--from-training" in argv:
        held = {fold(t) for texts in held_out_texts().values() for t in texts}
        print(f"removed from training files: {drop_from_training(held)}")
    seen = training_texts()
    for name, found in overlaps(seen).items():
        if "--remove" in argv and found:
            print(f"{name}: removed {_remove(DATA / name, seen)}")
        else:
            print(f"{name}: {len(found)} overlapping")


if __name__ == "__main__":
    main(sys.argv[1:])
