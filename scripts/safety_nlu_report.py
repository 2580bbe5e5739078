"""Safety recall and false alarms of the whole trained NLU pipeline (patterns +
trained intents), as the bot sees messages.

    python -m scripts.safety_nlu_report FILE [FILE...]
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import List, Optional, Tuple

from knowledge.safety import LEVELS, read_labelled
from scripts.train import model_path


def read(path: Path) -> List[Tuple[str, str]]:
    return [(row.label, row.text) for row in read_labelled(path)[0]]


def found(expected: str, got: Optional[str]) -> bool:
    if got is None:
        return False
    if expected == "distress":
        return True
    return LEVELS.index(got) <= LEVELS.index(expected)


async def main(files: List[str]) -> None:
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings

    # Rasa logs parsed text at debug level: keep message text out of the output.
    configure_logging_and_warnings(logging.WARNING)
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    agent = Agent.load(str(model_path()))
    for name in files:
        rows = read(Path(name))
        hits: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        alarms = nones = 0
        for label, text in rows:
            parsed = await agent.parse_message(text)
            intent = parsed["intent"]["name"] or ""
            got = intent[len("safety_") :] if intent.startswith("safety_") else None
            if label == "none":
                nones += 1
                alarms += got is not None
            else:
                totals[label] += 1
                hits[label] += found(label, got)
        print(f"== {name} (full NLU pipeline)")
        for level in LEVELS:
            if totals[level]:
                print(f"  {level:<11} recall {hits[level] / totals[level]:6.1%} ({hits[level]}/{totals[level]})")
        print(f"  false alarms on none: {alarms / max(nones, 1):.1%} ({alarms}/{nones})")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
