"""The internal services refuse what does not come from inside (issue 13): the
action server (real process, real HTTP) wants Rasa's secret, listens on
loopback only and never echoes a body; no service starts with a default secret."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

from knowledge.config import ConfigError, require_secret
from scripts import services
from tests.helpers import PORTS

ROOT = Path(__file__).resolve().parent.parent
PORT = PORTS.actions + 300
SECRET = "s" * 12 + "-test-secret-" + "t" * 12


def call(
    path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None, host: str = "127.0.0.1"
) -> Tuple[int, Any]:
    request = urllib.request.Request(
        f"http://{host}:{PORT}{path}",
        data=body,
        method="POST" if body is not None else "GET",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def listening_addresses(port: int) -> set:
    """Local addresses with a listening TCP socket on PORT (from /proc/net/tcp and tcp6)."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen]:
    log = (tmp_path_factory.mktemp("actions") / "actions.log").open("w")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_SECRET": SECRET, "INTERNAL_HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.action_server", "--port", str(PORT)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not services.answers(f"http://127.0.0.1:{PORT}/health"):
        assert process.poll() is None, Path(log.name).read_text()[-2000:]
        assert time.monotonic() < deadline, "action server did not start"
        time.sleep(0.3)
    yield process
    services.stop_process(process)


ACTION_CALL = {
    "next_action": "action_handoff",
    "sender_id": "forged",
    "tracker": {"sender_id": "forged", "slots": {}, "latest_message": {}, "events": [], "paused": False},
    "domain": {},
    "version": "3.6.21",
}


@pytest.mark.parametrize("headers", [{}, {"X-Action-Secret": "dev-only-change-me"}, {"X-Action-Secret": SECRET[:-1]}])
def test_a_forged_action_call_is_refused(action_server: subprocess.Popen, headers: Dict[str, str]) -> None:
    status, body = call("/webhook", json.dumps(ACTION_CALL).encode(), headers)
    assert status == 403 and body == {"error": "forbidden"}
    assert call("/actions", headers=headers)[0] == 403


def test_rasa_with_the_secret_is_served(action_server: subprocess.Popen) -> None:
    status, actions = call("/actions", headers={"X-Action-Secret": SECRET})
    assert status == 200 and {"name": "action_answer"} in actions
    assert call("/health") == (200, {"status": "ok"})  # the launcher's readiness check needs no secret


@pytest.mark.parametrize("body", [b"", b"[]", b"null", b"\x00\xff binary", b'"text"', b"{broken"])
def test_bad_bodies_get_400_without_an_echo(action_server: subprocess.Popen, body: bytes) -> None:
    status, reply = call("/webhook", body, {"X-Action-Secret": SECRET})
    assert status == 400 and "request_body" not in reply


def test_a_failing_action_does_not_echo_the_request(action_server: subprocess.Popen) -> None:
    secret_text = "mijn bsn is 123456782"
    broken = {**ACTION_CALL, "tracker": {"sender_id": "x", "latest_message": {"text": secret_text}, "events": 5}}
    status, reply = call("/webhook", json.dumps(broken).encode(), {"X-Action-Secret": SECRET})
    assert status >= 400 and secret_text not in json.dumps(reply)


def test_it_listens_on_loopback_only(action_server: subprocess.Popen) -> None:
    assert listening_addresses(PORT) == {"0100007F"}  # 127.0.0.1, nothing on 0.0.0.0 or ::
    outside = _outside_address()
    if outside:
        with pytest.raises(OSError):
            socket.create_connection((outside, PORT), timeout=2).close()


def test_no_secret_on_its_command_line(action_server: subprocess.Popen) -> None:
    cmdline = Path(f"/proc/{action_server.pid}/cmdline").read_bytes().decode()
    assert SECRET not in cmdline


def _outside_address() -> Optional[str]:
    """This machine's address on its network (not loopback), if it has one."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


@pytest.mark.parametrize("value", ["", "dev-only-change-me", "kort"])
def test_no_default_or_short_secret_is_accepted(value: str) -> None:
    with pytest.raises(ConfigError):
        require_secret("ACTIONS_SECRET", value)


def test_the_launcher_refuses_to_start_without_secrets_outside_development() -> None:
    with pytest.raises(ConfigError):
        services.secrets_env({"RASA_JWT_SECRET": "dev-only-change-me", "ACTIONS_SECRET": SECRET})
    with pytest.raises(ConfigError):
        services.secrets_env({})
    made = services.secrets_env({"JB_ENV": "development"})
    assert all(len(made[name]) >= 24 for name in services.SECRETS)
    assert made != services.secrets_env({"JB_ENV": "development"})  # random per run


@pytest.mark.parametrize(
    "command,name",
    [
        (["-m", "scripts.action_server", "--port", str(PORT + 1)], "ACTIONS_SECRET"),
        (["-m", "scripts.rasa_server", "run", "--model", "none.tar.gz"], "RASA_JWT_SECRET"),
        (["-c", "from webapp.app import served_app; served_app()"], "RASA_JWT_SECRET"),
    ],
)
def test_each_service_refuses_to_start_with_a_default_secret(command: list, name: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_SECRET": "dev-only-change-me", "RASA_JWT_SECRET": ""}
    env.pop("JB_ENV", None)
    run = subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and name in run.stderr, run.stderr[-500:]


def test_no_command_line_carries_a_secret(tmp_path: Path) -> None:
    for command in services.commands(PORTS, tmp_path / "model.tar.gz").values():
        joined = " ".join(command)
        assert "--auth-token" not in joined and "--jwt-secret" not in joined and "--cors" not in joined
        assert "0.0.0.0" not in joined or "uvicorn" in joined  # only the web app is public
