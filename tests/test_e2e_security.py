"""Only the web app is public (issue 13), measured on the running stack: Rasa's
API wants a JWT in a header and refuses the old default token, Rasa and the
action server listen on loopback, no secret is on a command line, Rasa's CORS
echoes no origin, and the parent's ticket token is not in Rasa's tracker."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Optional, Tuple

import pytest

from knowledge import handoff
from knowledge.db import session_scope
from scripts import services
from tests.helpers import PORTS, SECRETS, custom, rasa_api, say, texts
from webapp.rasa_client import api_headers

pytestmark = pytest.mark.e2e
RASA = f"http://127.0.0.1:{PORTS.rasa}"


def status_of(url: str, headers: Optional[Dict[str, str]] = None, method: str = "GET") -> Tuple[int, Dict[str, str]]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def listening(port: int) -> set:
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.parametrize(
    "suffix,headers",
    [
        ("", {}),
        ("?token=dev-only-change-me", {}),
        ("?token=" + SECRETS["RASA_JWT_SECRET"], {}),  # the secret itself is no URL token
        ("", {"Authorization": "Bearer dev-only-change-me"}),
        ("", api_headers("another-secret-of-thirty-two-chars!!")),
    ],
)
def test_rasa_api_refuses_without_a_valid_jwt(stack: services.Services, suffix: str, headers: Dict[str, str]) -> None:
    conversation = uuid.uuid4().hex
    for path in ("/status", f"/conversations/{conversation}/tracker", "/domain"):
        assert status_of(RASA + path + suffix, headers)[0] == 401, path


def test_rasa_api_answers_with_the_jwt(stack: services.Services) -> None:
    assert "model_id" in rasa_api("/status")


def test_rasa_and_the_action_server_listen_on_loopback_only(stack: services.Services) -> None:
    assert listening(PORTS.rasa) == {"0100007F"}
    assert listening(PORTS.actions) == {"0100007F"}


def test_no_secret_on_any_command_line(stack: services.Services) -> None:
    for service in stack.items:
        cmdline = Path(f"/proc/{service.process.pid}/cmdline").read_bytes().decode()
        for secret in SECRETS.values():
            assert secret not in cmdline, service.name


def test_rasa_cors_echoes_no_origin(stack: services.Services) -> None:
    origin = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    for method in ("GET", "OPTIONS"):
        _, headers = status_of(RASA + "/webhooks/rest/", origin, method)
        lowered = {k.lower(): v for k, v in headers.items()}
        assert lowered.get("access-control-allow-origin") in (None, ""), lowered
        assert "access-control-allow-credentials" not in lowered


def test_a_forged_action_call_on_the_running_action_server_is_refused(stack: services.Services) -> None:
    body = json.dumps({"next_action": "action_handoff", "sender_id": "x", "tracker": {"sender_id": "x"}}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORTS.actions}/webhook",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    # ... while Rasa, with the secret, still gets its answers from the action server
    assert custom(say("Wat doet Veilig Thuis?"))["kind"] == "answer"


def test_the_ticket_token_is_not_in_rasas_tracker(stack: services.Services, stack_db: Path) -> None:
    sender = uuid.uuid4().hex
    reply = custom(say("ik wil een mens spreken", sender))
    assert reply["kind"] == "handoff" and "token" not in reply
    with session_scope(f"sqlite:///{stack_db}") as session:
        token = handoff.get(session, reply["ticket"]).parent_token
    tracker = json.dumps(rasa_api(f"/conversations/{sender}/tracker"))
    assert reply["ticket"] in tracker and token not in tracker


def test_personal_data_is_masked_in_rasas_tracker(stack: services.Services) -> None:
    """The whole message is read (the answer still comes), but only the masked text is stored."""
    sender = uuid.uuid4().hex
    reply = say("ik heet Jolanda de Vries, mijn bsn is 111222333, bel 06-12345678. wat doet veilig thuis?", sender)
    assert texts(reply)
    tracker = json.dumps(rasa_api(f"/conversations/{sender}/tracker"))
    for personal in ("Jolanda", "111222333", "12345678"):
        assert personal not in tracker, personal
    assert "[bsn]" in tracker and "[telefoon]" in tracker
