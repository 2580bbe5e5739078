"""Safety-signal detection for the parents' chat (Dutch).

Tells whether a message shows danger right now (`acute`), thoughts of suicide
or self-harm (`suicide`), abuse, violence or neglect being told about
(`disclosure`) or strong distress (`distress`). Plain Python, no network: it
runs inside the Rasa NLU pipeline and in the web app, in about a millisecond.

    levels.py     the levels, SafetySignal, the reader of labelled TSV files
    normalise.py  message text -> tokens (folding, chat spellings, typos)
    patterns.py   the pattern language -> regular expressions
    rules.py      guards and rules of content/safety_patterns.yaml; rules_fired()
    model.py      the trained layer (content/safety_examples/*.tsv)
    model_store.py  the fitted model kept on disk between processes
    detect.py     detect(): both layers, failing safe
"""

from knowledge.safety.detect import detect, warm_up
from knowledge.safety.levels import LABELS, LEVELS, Labelled, SafetySignal, read_labelled
from knowledge.safety.rules import PATTERNS_PATH, PatternSet, load_patterns, normalise, rules_fired

__all__ = [
    "LABELS",
    "LEVELS",
    "PATTERNS_PATH",
    "Labelled",
    "PatternSet",
    "SafetySignal",
    "detect",
    "load_patterns",
    "normalise",
    "read_labelled",
    "rules_fired",
    "warm_up",
]
