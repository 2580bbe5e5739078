"""Speed of the parts that run on every message.

    python -m scripts.bench

Prints median and 95th percentile of: retrieval (search over all articles),
the safety detector, municipality lookup, the whole answer as the action makes
it (knowledge.dialogue.respond with the database), and the time to rebuild the
retrieval index after an edit.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, List

from knowledge.content_io import import_content
from knowledge.db import session_scope
from knowledge.dialogue import DialogueState, respond
from knowledge.municipalities import find_municipality
from knowledge.retrieval import Index, Retriever, docs_from_db
from knowledge.safety import detect, read_labelled
from knowledge.safety.model import EXAMPLES_DIR

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def timed(fn: Callable[[str], object], inputs: List[str], rounds: int = 3) -> List[float]:
    samples = []
    for _ in range(rounds):
        for text in inputs:
            start = time.perf_counter()
            fn(text)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: List[float]) -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{name:<28} n={len(samples):<5} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


def main() -> None:
    # A scratch database: measuring must never touch the content editors work on.
    url = f"sqlite:///{tempfile.mkdtemp()}/measure.db"
    import_content(url=url)
    messages = [row.text for row in read_labelled(EXAMPLES_DIR / "written-1.tsv")[0]]
    with session_scope(url) as session:
        docs = docs_from_db(session)
    questions = [q for doc in docs for q in doc.questions]
    builds = []
    for _ in range(3):
        start = time.perf_counter()
        index = Index(docs)
        builds.append((time.perf_counter() - start) * 1000)
    report("index rebuild after an edit", builds)
    report("retrieval search", timed(lambda q: index.search(q), questions))
    report("safety detector", timed(detect, messages))
    report("municipality lookup", timed(find_municipality, questions))
    retriever = Retriever()

    def answer(question: str) -> object:
        with session_scope(url) as session:
            return respond(session, retriever, question, DialogueState())

    report("whole answer, respond()", timed(answer, questions))


if __name__ == "__main__":
    main()
