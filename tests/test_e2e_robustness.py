"""Hostile and broken input through the running Rasa server: always a reply,
quickly, without the server growing. Sizes and limits: bot/channels/rest.py."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from scripts import services
from tests.helpers import PORTS, custom, say, texts

pytestmark = pytest.mark.e2e
WEBHOOK = f"http://127.0.0.1:{PORTS.rasa}/webhooks/rest/webhook"


def raw_post(body: bytes, content_type: str = "application/json") -> Tuple[int, float, Any]:
    request = urllib.request.Request(WEBHOOK, data=body, method="POST", headers={"Content-Type": content_type})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    return status, time.perf_counter() - start, json.loads(payload or b"null")


def timed_say(text: str) -> Tuple[List[Dict[str, Any]], float]:
    body = json.dumps({"sender": uuid.uuid4().hex, "message": text}).encode()  # \ud83d stays an escape
    status, seconds, reply = raw_post(body)
    assert status == 200, reply
    return reply, seconds


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_broken_and_huge_messages_get_a_reply_fast(stack: services.Services) -> None:
    timed_say("Wat doet Veilig Thuis?")  # warm up
    rasa = stack.get("rasa").process.pid
    before = rss_mb(rasa)
    cases = [
        ("ik wil niet meer leven \ud83d", "suicide"),  # half an emoji: a lone surrogate
        ("\udc00 help hij slaat me nu", "acute"),
        ("ik wil niet meer leven " + "x" * 1_000_000, "suicide"),  # 1 MB: the start is still read
        ("Wat doet Veilig Thuis? " + "bla " * 25_000, None),  # 100,000 characters
        ("\x00\x01\x02\x7f\x1b[31m\xff\xfe", None),  # binary-looking text
    ]
    for text, level in cases:
        reply, seconds = timed_say(text)
        assert texts(reply).strip(), reply
        assert seconds < 1.0, f"{len(text)} characters took {seconds:.2f} s"
        if level:
            assert custom(reply) == {"kind": "safety", "level": level}
    for _ in range(3):  # memory must not grow with repeated big messages
        timed_say("a" * 100_000)
    assert rss_mb(rasa) - before < 200, f"Rasa grew from {before:.0f} MB to {rss_mb(rasa):.0f} MB"


BAD_BODIES = [
    b"",
    b"[]",
    b"null",
    b"\x00\xff\xfe binary",
    b'{"message": "hoi"}',
    b'{"sender": 5, "message": "hoi"}',
    b'{"sender": "", "message": "hoi"}',
    json.dumps({"sender": "x", "message": "hoi", "metadata": {"a": "b" * 10_000}}).encode(),
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_malformed_bodies_are_refused_with_400(stack: services.Services, body: bytes) -> None:
    status, seconds, reply = raw_post(body)
    assert status == 400 and "error" in reply
    assert seconds < 1.0


def test_a_message_without_text_is_answered_not_dropped(stack: services.Services) -> None:
    status, _, reply = raw_post(json.dumps({"sender": uuid.uuid4().hex}).encode())
    assert status == 200 and custom(reply)["kind"] == "input"


def test_html_is_passed_as_text(stack: services.Services) -> None:
    reply = say("<b>wat doet de raad</b><script>alert(1)</script>")
    assert "<script>" not in texts(reply)
