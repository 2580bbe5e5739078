"""Safety must not depend on anything that can be down. Starts its own stack,
then stops the action server and the web app and takes the database away."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from knowledge.content_io import import_content
from scripts import services
from tests.helpers import PORTS, custom, say, start_stack, texts

pytestmark = pytest.mark.e2e
OWN = services.Ports(rasa=PORTS.rasa + 100, actions=PORTS.actions + 100, web=PORTS.web + 100)


@pytest.fixture()
def own_stack(tmp_path: Path, stack_hours: Path) -> Iterator[services.Services]:
    db = tmp_path / "knowledge.db"
    import_content(url=f"sqlite:///{db}")
    running = start_stack(OWN, db, stack_hours)
    yield running
    running.stop()


def test_safety_works_with_action_server_and_database_down(own_stack: services.Services, tmp_path: Path) -> None:
    normal = say("Wat doet Veilig Thuis?", rasa_port=OWN.rasa)
    assert custom(normal)["kind"] == "answer"
    own_stack.stop(["actions", "web"])
    assert not own_stack.get("actions").alive() and not own_stack.get("web").alive()
    db = tmp_path / "knowledge.db"
    db.rename(db.with_suffix(".gone"))
    for text, level, numbers in [
        ("ik wil niet meer leven", "suicide", ["113", "0800-0113"]),
        ("help hij slaat me nu", "acute", ["112"]),
        ("mijn vader slaat mij elke dag", "disclosure", ["0800-2000"]),
    ]:
        reply = say(text, rasa_port=OWN.rasa)
        assert custom(reply) == {"kind": "safety", "level": level}, text
        assert all(n in texts(reply) for n in numbers), texts(reply)
    # An ordinary question gets the "cannot look anything up now" reply, not [].
    reply = say("Wat doet Veilig Thuis?", rasa_port=OWN.rasa)
    assert custom(reply) == {"kind": "unavailable"}
    assert "Ik kan nu niets opzoeken" in texts(reply) and "112" in texts(reply)
