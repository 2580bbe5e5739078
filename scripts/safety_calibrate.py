"""Choose the trained safety layer's support thresholds on out-of-fold predictions.

    python -m scripts.safety_calibrate [--folds 5]

Training data only (content/safety_examples and the articles' questions), never
tests/data. For each level and candidate minimum similarity it prints how many
of that level's out-of-fold messages the model alone still finds, and how many
`none` messages it would raise to that level. Pick the highest minimum that
keeps (nearly) all signals; the patterns are the other layer.
"""

from __future__ import annotations

import argparse
import random
from typing import Dict, List, Tuple

from knowledge.safety.levels import LEVELS
from knowledge.safety.model import THRESHOLDS, SafetyModel, training_examples
from knowledge.safety.rules import normalise

Assessed = Tuple[str, Dict[str, float], Dict[str, float]]
CANDIDATES = (0.0, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


def out_of_fold(folds: int, seed: int = 7) -> List[Assessed]:
    examples = training_examples()
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    out: List[Assessed] = []
    for k in range(folds):
        test = set(order[k::folds])
        model = SafetyModel([e for i, e in enumerate(examples) if i not in test], normalise)
        for i in sorted(test):
            label, text = examples[i]
            probabilities, support = model.assess(text)
            out.append((label, probabilities, support))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    rows = out_of_fold(args.folds)
    print(f"{len(rows)} out-of-fold predictions, thresholds {THRESHOLDS}")
    for level in LEVELS:
        signals = [r for r in rows if r[0] == level]
        nones = [r for r in rows if r[0] == "none"]
        print(f"\n{level}: {len(signals)} messages, {len(nones)} none")
        for minimum in CANDIDATES:

            def fires(r: Assessed, m: float = minimum, lv: str = level) -> bool:
                return r[1].get(lv, 0.0) >= THRESHOLDS[lv] and r[2].get(lv, 0.0) >= m

            found = sum(fires(r) for r in signals)
            alarms = sum(fires(r) for r in nones)
            print(
                f"  support >= {minimum:.2f}: model finds {found}/{len(signals)} "
                f"({found / max(len(signals), 1):.1%}); none raised {alarms}/{len(nones)}"
            )


if __name__ == "__main__":
    main()
