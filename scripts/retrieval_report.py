"""Accuracy of answers: development folds, held-out questions and conversations.

    python -m scripts.retrieval_report [--mistakes] [--dev] [--rasa-cv] [--write docs/nlu-report.md]

--dev leaves out the unseen sets (scripts/datasets.py) so that tuning never looks at
them; every other set has been measured before and is a development set now.

Development: the articles' own example questions, 5-fold (index on 4/5, ask the
other 1/5), and tests/data/conversations_dev.yaml (written by us). Held-out:
tests/data/retrieval_holdout*.yaml and conversations_holdout.yaml, written
without sight of the articles and never trained on (see the README on how they
were used). Single questions and conversations go through
knowledge.dialogue.respond(), the function the bot itself uses.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

import yaml

from knowledge.content_io import import_content
from knowledge.db import session_scope
from knowledge.dialogue.evaluation import evaluate_conversations, evaluate_entities, evaluate_questions
from knowledge.evaluation import RetrievalScore, evaluate, folds, load_cases
from knowledge.retrieval import ANSWER_MARGIN, ANSWER_MIN, CHOOSE_MIN, Index, Retriever, docs_from_db
from scripts.datasets import DATA, UNSEEN

ROOT = Path(__file__).resolve().parent.parent
HOLDOUTS = sorted(DATA.glob("retrieval_holdout*.yaml"))
CONVERSATIONS = sorted(DATA.glob("conversations_*.yaml"))
COMMAND = "make nlu-report"


def show(title: str, lines: List[str], out: List[str]) -> None:
    print(f"\n== {title}")
    print("\n".join(lines))
    out += ["", f"### {title}", "", "```", *lines, "```"]


def retrieval_lines(score: RetrievalScore, mistakes: bool) -> List[str]:
    return score.lines() + ([f"    {m}" for m in score.mistakes] if mistakes else [])


def rasa_cross_validation(folds: int = 3) -> List[str]:
    """Intent F1 of the DIET classifier, cross-validated by `rasa test nlu`.

    Entities are not Rasa's here: organisation, measure, right and aspect come
    from knowledge/facets.py (data in content/facets.yaml) and are measured on
    the held-out entity set above.
    """
    out_dir = Path(tempfile.mkdtemp())
    command = [
        sys.executable, "-m", "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", "bot/config.yml",
        "--cross-validation", "--folds", str(folds), "--out", str(out_dir),
    ]  # fmt: skip
    with open(ROOT / "var" / "log" / "rasa-cv.log", "w", encoding="utf-8") as log:
        subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=True)
    report = json.loads((out_dir / "intent_report.json").read_text(encoding="utf-8"))
    lines = [f"command: {' '.join(command[1:])}"]
    for key in ("accuracy", "macro avg", "weighted avg"):
        value = report.get(key)
        if isinstance(value, dict):
            lines.append(
                f"{key}: precision {value['precision']:.3f}, recall {value['recall']:.3f}, F1 {value['f1-score']:.3f}"
            )
        elif value is not None:
            lines.append(f"{key}: {float(value):.3f}")
    weakest = sorted(
        (
            (k, v)
            for k, v in report.items()
            if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg")
        ),
        key=lambda kv: kv[1]["f1-score"],
    )[:5]
    lines += [f"  {k}: F1 {v['f1-score']:.3f} (support {v['support']})" for k, v in weakest]
    return lines


def main(argv: List[str]) -> None:
    mistakes = "--mistakes" in argv
    if mistakes and "--dev" not in argv:
        sys.exit("--mistakes prints messages: only with --dev, never for an unseen set")
    unseen = UNSEEN if "--dev" in argv else set()
    target = Path(argv[argv.index("--write") + 1]) if "--write" in argv else None
    # A scratch database: measuring must never touch the content editors work on.
    url = f"sqlite:///{tempfile.mkdtemp()}/measure.db"
    import_content(url=url)
    with session_scope(url) as session:
        docs = docs_from_db(session)
    out: List[str] = []
    print(f"thresholds: answer >= {ANSWER_MIN} with margin {ANSWER_MARGIN}; choose >= {CHOOSE_MIN}")
    retriever = Retriever()

    def sessions():  # type: ignore[no-untyped-def]
        return session_scope(url)

    for path in CONVERSATIONS:
        if path.exists() and path.name not in unseen:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            convs = data.get("conversations") or []
            score = evaluate_conversations(sessions, retriever, convs)
            lines = score.lines()
            if mistakes:
                lines += [f"    {t.conversation}#{t.position}: got {t.got}" for t in score.turns if not t.right]
            show(f"conversations ({path.name}, {len(convs)} conversations)", lines, out)
    for holdout in [h for h in HOLDOUTS if h.name not in unseen]:
        cases = load_cases(holdout)
        qscore = evaluate_questions(sessions, retriever, cases)
        lines = qscore.lines() + ([f"    {m}" for m in qscore.mistakes] if mistakes else [])
        show(f"single questions through the dialogue ({holdout.name})", lines, out)
    entities = DATA / "entities_holdout.yaml"
    if entities.exists() and entities.name not in unseen:
        rows = yaml.safe_load(entities.read_text(encoding="utf-8"))
        show(
            f"entities (knowledge/facets.py) on {entities.name}, {len(rows)} messages",
            evaluate_entities(rows).lines(),
            out,
        )
    for n, (train, test) in enumerate(folds(docs, 5)):
        show(
            f"retrieval only, development fold {n + 1} (example questions)",
            retrieval_lines(evaluate(Index(train), test), mistakes),
            out,
        )
    if "--rasa-cv" in argv:
        show("Rasa NLU, intents, 3-fold cross-validation over data/nlu", rasa_cross_validation(), out)
    if target:
        head = [
            "# Answer accuracy",
            "",
            f"Written by `{COMMAND}` (`python -m scripts.retrieval_report {' '.join(argv)}`) on {dt.date.today()}.",
            "Every figure below comes from that command; see the README for how the held-out sets were made and used.",
        ]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(head + out) + "\n", encoding="utf-8")
        print(f"\nwritten: {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
