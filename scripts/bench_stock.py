"""Stock Rasa's example bot (`rasa init`), for scripts.bench_stack to measure beside ours.

    python -m scripts.bench_stock     # creates and trains it in var/bench/stock-rasa if needed

Same .venv, same Rasa 3.6; its own default pipeline and policies, memory tracker
store, no action server (the example has no custom actions). Its REST channel
gets the same Dutch messages as ours.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scripts import services

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "var" / "bench" / "stock-rasa"
RASA = [sys.executable, "-m", "rasa"]
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def prepare() -> Path:
    """The trained example project (made with `rasa init --no-prompt`, which also trains it)."""
    if not list((PROJECT / "models").glob("*.tar.gz")):
        PROJECT.mkdir(parents=True, exist_ok=True)
        log = services.LOGS / "bench-stock-init.log"
        services.LOGS.mkdir(parents=True, exist_ok=True)
        print(f">> rasa init --no-prompt in {PROJECT.relative_to(ROOT)} (trains; log: {log.relative_to(ROOT)})")
        with log.open("w") as out:
            subprocess.run(
                [*RASA, "init", "--no-prompt", "--init-dir", str(PROJECT)], env=ENV, stdout=out, stderr=out, check=True
            )
    return max((PROJECT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)


def start(port: int) -> subprocess.Popen:
    """Stock Rasa serving its REST channel on 127.0.0.1:PORT, ready."""
    model = prepare()
    command = [*RASA, "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(port)]
    log = services.LOGS / f"bench-stock-{port}.log"
    process = subprocess.Popen(
        command, cwd=PROJECT, env=ENV, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True
    )
    service = services.Service("stock-rasa", process, f"http://127.0.0.1:{port}/", log)
    services.wait_ready([service])
    return process


if __name__ == "__main__":
    print(prepare())
