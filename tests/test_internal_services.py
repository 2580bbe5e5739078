"""The internal services refuse what does not come from inside (issue 13): the
action server (real process, real HTTP) wants Rasa's secret, listens on
loopback only and never echoes a body; no service starts with a default secret."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest

from knowledge.config import ConfigError, require_secret
from scripts import services
from tests.helpers import PORTS

ROOT = Path(__file__).resolve().parent.parent
PORT = PORTS.actions + 300
SECRET_HEADER = "X-Action-Secret"
SECRET = "s" * 12 + "-test-secret-" + "t" * 12


def raw_call(
    path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None, method: str = ""
) -> Tuple[int, bytes]:
    """One request over real HTTP; the status and the raw answer."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        data=body,
        method=method or ("POST" if body is not None else "GET"),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def call(path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
    status, raw = raw_call(path, body, headers)
    return status, json.loads(raw or b"null")


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
def action_server(tmp_path_factory: pytest.TempPathFactory, _seeded_file: Path) -> Iterator[subprocess.Popen]:
    folder = tmp_path_factory.mktemp("actions")
    log = (folder / "actions.log").open("w")
    shutil.copyfile(_seeded_file, folder / "knowledge.db")  # actions that write (handoff) write here
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ACTIONS_SECRET": SECRET, "INTERNAL_HOST": "127.0.0.1"}
    env["DATABASE_URL"] = f"sqlite:///{folder / 'knowledge.db'}"
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


PRIVATE = "mijn bsn is 123456782"
# An action call as Rasa 3.6 sends it (RemoteAction), trimmed: every field our actions or rasa_sdk read.
GOOD_CALL: Dict[str, Any] = {
    "next_action": "action_answer",
    "sender_id": "c0ffee0000000000",
    "version": "3.6.21",
    "tracker": {
        "sender_id": "c0ffee0000000000",
        "slots": {"municipality": "Almere", "topic_article": None, "topic_age": 9, "requested_slot": None},
        "latest_message": {
            "text": PRIVATE + ", wat doet Veilig Thuis?",
            "intent": {"name": "ask_question", "confidence": 0.9},
            "entities": [{"entity": "organisation", "value": "veilig-thuis", "start": 0, "end": 4}],
            "metadata": {"municipality": "Almere"},
            "safety": {"level": None},
        },
        "events": [
            {"event": "action", "timestamp": 1.0, "name": "action_listen"},
            {"event": "user", "timestamp": 2.0, "text": PRIVATE, "parse_data": {"intent": {"name": "ask_question"}}},
            {"event": "bot", "timestamp": 3.0, "text": "Veilig Thuis is ..."},
            {"event": "slot", "timestamp": 4.0, "name": "municipality", "value": "Almere"},
        ],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    },
    "domain": {
        "slots": {"deadline_date": {"type": "text", "mappings": [{"type": "custom", "conditions": []}]}},
        "forms": {"deadline_form": {"required_slots": ["deadline_decision", "deadline_date"]}},
    },
}
WRONG_VALUES: Tuple[Any, ...] = (None, 7, "x", [], {}, True)
ACTIONS_TRIED = ("action_answer", "validate_deadline_form", "action_handoff", "action_delete_conversation")


def paths(value: Any, prefix: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    """Every place in VALUE (keys of objects, indexes of lists), depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, inner in items:
        yield prefix + (key,)
        yield from paths(inner, prefix + (key,))


def replaced(value: Any, path: Tuple[Any, ...], new: Any) -> Any:
    copy = json.loads(json.dumps(value))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return copy


def test_every_field_of_the_wrong_type_is_a_4xx_never_a_500(action_server: subprocess.Popen) -> None:
    """Each field of a real action call replaced by each wrong type, for several actions:
    a 200 (the action coped) or a 4xx, never a 5xx, and no answer but a 200 repeats the body."""
    failures = []
    for action in ACTIONS_TRIED:
        base = {**GOOD_CALL, "next_action": action}
        assert call("/webhook", json.dumps(base).encode(), {"X-Action-Secret": SECRET})[0] == 200, action
        for path in paths(base):
            for wrong in WRONG_VALUES:
                body = json.dumps(replaced(base, path, wrong)).encode()
                status, reply = raw_call("/webhook", body, {"X-Action-Secret": SECRET})
                if status >= 500 or (status != 200 and PRIVATE.encode() in reply):
                    failures.append((action, path, wrong, status))
    assert failures == []


def test_a_call_without_a_tracker_or_action_is_a_400(action_server: subprocess.Popen) -> None:
    for body in (
        {"next_action": "action_answer"},
        {"tracker": GOOD_CALL["tracker"]},
        {**GOOD_CALL, "tracker": {"slots": {}}},
        {**GOOD_CALL, "tracker": [GOOD_CALL["tracker"]]},
    ):
        status, reply = call("/webhook", json.dumps(body).encode(), {"X-Action-Secret": SECRET})
        assert status == 400 and PRIVATE not in json.dumps(reply), body.keys()


@pytest.mark.parametrize(
    "body,encoding",
    [
        (b'{"next_action": "action_answer", "tracker": {"sender_id": NaN}}', ""),
        (b"[" * 100_000 + b"]" * 100_000, ""),  # too deep for the JSON parser
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ""),
        ('{"next_action": "action_answer", "tracker": {"sender_id": "\udcff"}}'.encode("utf-8", "surrogatepass"), ""),
        (b"plain bytes, no zlib stream", "deflate"),
        (zlib.compress(b"[" + b"0," * 6_000_000 + b"0]"), "deflate"),  # a deflate bomb: 12 MB from 12 kB
    ],
)
def test_broken_binary_and_bomb_bodies_are_a_400(action_server: subprocess.Popen, body: bytes, encoding: str) -> None:
    headers = {"X-Action-Secret": SECRET, **({"Content-Encoding": encoding} if encoding else {})}
    status, reply = raw_call("/webhook", body, headers)
    assert status == 400 and body[:40] not in reply


def test_too_large_wrong_method_and_unknown_path_are_4xx(action_server: subprocess.Popen) -> None:
    secret = {SECRET_HEADER: SECRET}
    # 4 MB announced: refused from the headers, before the body is read.
    with socket.create_connection(("127.0.0.1", PORT), timeout=10) as sock:
        head = f"POST /webhook HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\nContent-Length: 4000000\r\n\r\n"
        sock.sendall(head.encode() + PRIVATE.encode() * 100)
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413") and PRIVATE.encode() not in reply
    assert raw_call("/webhook", headers=secret)[0] == 405
    assert raw_call("/actions", b"{}", secret, method="PUT")[0] == 405
    assert raw_call("/nothing-here", b"{}", secret)[0] == 404


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
