"""`make run`'s launcher keeps the bot up: a service that dies is restarted and
the others keep answering (safety replies first of all)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from knowledge.content_io import import_content
from scripts import services
from tests.helpers import PORTS, SECRETS, custom, say, texts

pytestmark = pytest.mark.e2e
OWN = services.Ports(rasa=PORTS.rasa + 200, actions=PORTS.actions + 200, web=PORTS.web + 200)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def launcher(tmp_path: Path) -> Iterator[subprocess.Popen]:
    db = tmp_path / "knowledge.db"
    import_content(url=f"sqlite:///{db}")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RASA_TELEMETRY_ENABLED": "false",
        "DATABASE_URL": f"sqlite:///{db}",
        "RASA_PORT": str(OWN.rasa),
        "ACTIONS_PORT": str(OWN.actions),
        "WEB_PORT": str(OWN.web),
        "RASA_URL": f"http://127.0.0.1:{OWN.rasa}",
        **SECRETS,
    }
    log = (tmp_path / "launcher.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.services"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 240
    urls = services.ready_urls(OWN)
    while not all(services.answers(u) for u in urls.values()):
        assert process.poll() is None, (tmp_path / "launcher.log").read_text()[-3000:]
        assert time.monotonic() < deadline, "the stack did not come up in 240 s"
        time.sleep(1)
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    # the launcher stops what it started
    assert not any(services.answers(u) for u in urls.values())


def action_server_pid() -> int:
    out = subprocess.run(
        ["pgrep", "-f", f"scripts.action_server --port {OWN.actions}"], capture_output=True, text=True
    ).stdout.split()
    assert len(out) == 1, out
    return int(out[0])


def test_killed_action_server_comes_back_and_safety_keeps_working(launcher: subprocess.Popen) -> None:
    assert custom(say("Wat doet Veilig Thuis?", rasa_port=OWN.rasa))["kind"] == "answer"
    pid = action_server_pid()
    os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    while Path(f"/proc/{pid}").exists() and time.monotonic() - killed < 5:
        time.sleep(0.05)
    reply = say("Wat doet de Raad voor de Kinderbescherming?", rasa_port=OWN.rasa)
    assert custom(reply) == {"kind": "unavailable"} and "112" in texts(reply)
    reply = say("hij slaat me nu, help", rasa_port=OWN.rasa)
    assert custom(reply) == {"kind": "safety", "level": "acute"}
    while not services.answers(services.ready_urls(OWN)["actions"]):
        assert time.monotonic() - killed < 30, "the action server was not back within 30 s"
        time.sleep(0.5)
    assert launcher.poll() is None
    assert custom(say("Wat doet Veilig Thuis?", rasa_port=OWN.rasa))["kind"] == "answer"
