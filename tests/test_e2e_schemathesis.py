"""Schemathesis against the running web app's OpenAPI spec: every operation, with
generated (also malformed) parameters and bodies, never gets a server error.

Schemathesis needs jsonschema >= 4.18 while Rasa 3.6 pins 4.17.3, so it lives in
its own virtual environment (var/schemathesis, made on first use from the
package registry, pinned below) and is run as a command against the stack over
real HTTP. The budget is bounded (examples per operation)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import services
from tests.helpers import PORTS

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "var" / "schemathesis"
VERSION = "3.39.16"
EXAMPLES = 15


def schemathesis() -> Path:
    command = VENV / "bin" / "st"
    stamp = VENV / f".installed-{VERSION}"
    if not stamp.exists():
        log = ROOT / "var" / "log" / "schemathesis-install.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w", encoding="utf-8") as out:
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True, stdout=out, stderr=out)
            subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "-q", f"schemathesis=={VERSION}"],
                check=True,
                stdout=out,
                stderr=out,
            )
        stamp.touch()
    return command


def test_no_operation_of_the_web_app_gives_a_server_error(stack: services.Services) -> None:
    base = f"http://127.0.0.1:{PORTS.web}"
    result = subprocess.run(
        [
            str(schemathesis()),
            "run",
            f"{base}/openapi.json",
            "--experimental=openapi-3.1",
            "--checks",
            "not_a_server_error",
            "--hypothesis-max-examples",
            str(EXAMPLES),
            "--hypothesis-deadline",
            "None",
            "--hypothesis-suppress-health-check",
            "all",
            "--request-timeout",
            "20000",
            "--hypothesis-seed",
            "1",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=900,
    )
    (ROOT / "var" / "log" / "schemathesis.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    # The failures and errors come before a long list of warnings: show them first.
    found = [i for i in (result.stdout.find("=== FAILURES"), result.stdout.find("=== ERRORS")) if i >= 0]
    start = min(found, default=0)
    report = result.stdout[start : start + 6000]
    print(report)
    assert result.returncode == 0, report + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "failed" not in summary and "errored" not in summary, summary
