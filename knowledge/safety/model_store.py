"""The fitted safety model, kept on disk so that a process starts in seconds.

Fitting the trained layer takes about a minute on two cores. Every service
that reads messages (Rasa, the web app, the tests) needs the same model, so the
first one to start fits it and writes it to the cache directory; the others
load that file. The file name is a hash of everything the fit depends on (the
training examples, the pattern file that normalises the text, the safety code
and the scikit-learn version), so a changed example or pattern means a new fit,
never a stale model.

Safety does not depend on the cache: if it cannot be read or written, the model
is fitted in memory as before. The file is a pickle written by this code into
the service's own directory (`JB_CACHE_DIR`, default var/cache); whoever can
write there can change the code too.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
from pathlib import Path
from typing import Callable, Sequence, Tuple, TypeVar

import sklearn

from knowledge.config import settings
from knowledge.safety.rules import PATTERNS_PATH

log = logging.getLogger(__name__)
Model = TypeVar("Model")
CODE_DIR = Path(__file__).resolve().parent


def fingerprint(examples: Sequence[Tuple[str, str]]) -> str:
    """A hash of everything a fitted model depends on."""
    digest = hashlib.sha256(sklearn.__version__.encode())
    for path in sorted(CODE_DIR.glob("*.py")) + [PATTERNS_PATH]:
        digest.update(path.read_bytes())
    for label, text in examples:
        digest.update(f"{label}\t{text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def load_or_fit(examples: Sequence[Tuple[str, str]], fit: Callable[[], Model], cache_dir: Path | None = None) -> Model:
    """The model stored for these examples, or a new fit (then stored).

    A file lock makes processes that start together wait for one fit."""
    folder = cache_dir or settings().cache_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"safety-model-{fingerprint(examples)}.pickle"
        with open(folder / "safety-model.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if path.exists():
                    with open(path, "rb") as handle:
                        return pickle.load(handle)  # noqa: S301 - our own file, see the module docstring
            except Exception as exc:  # noqa: BLE001 - a broken file means a new fit, not a broken detector
                log.warning("stored safety model unreadable (%s); fitting anew", type(exc).__name__)
            model = fit()
            _store(model, path)
            return model
    except OSError as exc:
        log.warning("safety model cache unavailable (%s); fitting in memory", type(exc).__name__)
        return fit()


def _store(model: object, path: Path) -> None:
    """Write atomically, and keep only the newest stored model."""
    try:
        part = path.with_suffix(".part")
        with open(part, "wb") as handle:
            pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
        for old in path.parent.glob("safety-model-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not store the safety model (%s)", type(exc).__name__)
