"""Train the Rasa model when (and only when) its inputs changed.

The model file is named after a hash of everything that shapes it: the Rasa
config, domain, training data, custom NLU components and the identity of the
spaCy pipeline. An existing model with that name is reused.

    python -m scripts.train         # prints the path of the model to serve
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "var" / "models"
LOG = ROOT / "var" / "log" / "train.log"
INPUTS = [
    "bot/config.yml",
    "bot/domain.yml",
    "data",
    "bot/components",
    "bot/spacy_pipeline.py",
    "var/spacy/nl/identity.json",
]


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = ROOT / entry
        files = (
            sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml", ".py", ".json"))
            if path.is_dir()
            else [path]
        )
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return MODELS / f"nlu-core-{inputs_hash()}.tar.gz"


def train() -> Path:
    target = model_path()
    if target.exists():
        print(f">> Rasa model is up to date: {target.relative_to(ROOT)}")
        return target
    MODELS.mkdir(parents=True, exist_ok=True)
    LOG.parent.mkdir(parents=True, exist_ok=True)
    print(f">> training the Rasa model (log: {LOG.relative_to(ROOT)})", flush=True)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        "bot/config.yml",
        "--domain",
        "bot/domain.yml",
        "--data",
        "data",
        "--out",
        str(MODELS),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
    ]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    with LOG.open("w") as log:
        result = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0 or not target.exists():
        print(LOG.read_text()[-4000:], file=sys.stderr)
        raise SystemExit(f"training failed (exit {result.returncode}); see {LOG}")
    for old in MODELS.glob("*.tar.gz"):
        if old != target:
            old.unlink()
    print(f">> trained {target.relative_to(ROOT)}")
    return target


if __name__ == "__main__":
    train()
