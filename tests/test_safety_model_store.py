"""The fitted safety model kept on disk (knowledge/safety/model_store.py)."""

from __future__ import annotations

from pathlib import Path
from typing import List

from knowledge.safety import model_store

EXAMPLES = [("suicide", "ik wil niet meer leven"), ("none", "wat is een ots")]


def counting_fit(calls: List[int]):
    def fit() -> dict:
        calls.append(1)
        return {"fitted": len(calls)}

    return fit


def test_the_second_process_loads_what_the_first_fitted(tmp_path: Path) -> None:
    calls: List[int] = []
    first = model_store.load_or_fit(EXAMPLES, counting_fit(calls), tmp_path)
    second = model_store.load_or_fit(EXAMPLES, counting_fit(calls), tmp_path)
    assert first == second == {"fitted": 1} and len(calls) == 1
    assert len(list(tmp_path.glob("safety-model-*.pickle"))) == 1


def test_changed_examples_mean_a_new_fit_and_the_old_file_goes(tmp_path: Path) -> None:
    calls: List[int] = []
    model_store.load_or_fit(EXAMPLES, counting_fit(calls), tmp_path)
    changed = EXAMPLES + [("acute", "hij slaat me nu")]
    assert model_store.fingerprint(changed) != model_store.fingerprint(EXAMPLES)
    assert model_store.load_or_fit(changed, counting_fit(calls), tmp_path) == {"fitted": 2}
    assert [p.name for p in tmp_path.glob("safety-model-*.pickle")] == [
        f"safety-model-{model_store.fingerprint(changed)}.pickle"
    ]


def test_a_broken_file_is_fitted_anew(tmp_path: Path) -> None:
    calls: List[int] = []
    path = tmp_path / f"safety-model-{model_store.fingerprint(EXAMPLES)}.pickle"
    path.write_bytes(b"not a pickle")
    assert model_store.load_or_fit(EXAMPLES, counting_fit(calls), tmp_path) == {"fitted": 1}
    assert model_store.load_or_fit(EXAMPLES, counting_fit(calls), tmp_path) == {"fitted": 1}


def test_a_cache_path_that_is_a_file_still_gives_a_model(tmp_path: Path) -> None:
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder should be")
    calls: List[int] = []
    assert model_store.load_or_fit(EXAMPLES, counting_fit(calls), blocked) == {"fitted": 1}
