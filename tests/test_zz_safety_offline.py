"""Safety must not depend on anything that can be down. Runs last: it stops the
action server and the web app of the shared stack and takes the database away."""
from __future__ import annotations

from pathlib import Path

import pytest

from scripts import services
from tests.test_e2e import custom, say, texts

pytestmark = pytest.mark.e2e


def test_safety_works_with_action_server_and_database_down(stack: services.Services,
                                                           stack_db: Path) -> None:
    stack.stop(["actions", "web"])
    assert not stack.get("actions").alive() and not stack.get("web").alive()
    stack_db.rename(stack_db.with_suffix(".gone"))
    for text, level, numbers in [
        ("ik wil niet meer leven", "suicide", ["113", "0800-0113"]),
        ("help hij slaat me nu", "acute", ["112"]),
        ("mijn vader slaat mij elke dag", "disclosure", ["0800-2000"]),
    ]:
        reply = say(text)
        assert custom(reply) == {"kind": "safety", "level": level}, text
        assert all(n in texts(reply) for n in numbers), texts(reply)
    # An ordinary question still gets a reply (not silence), even with the action server gone.
    assert say("Wat doet Veilig Thuis?") is not None
