"""The repository tracks sources only: no build output, caches or large files."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 1_000_000
GENERATED = re.compile(
    r"(^|/)(\.rasa|var|models|\.venv|__pycache__|\.pytest_cache|\.mypy_cache|\.ruff_cache)/"
    r"|\.(pyc|pyo|log|tar\.gz)$"
)


def tracked_files() -> List[str]:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        reason = "not a git checkout (or no git): nothing to check"
        print(f"\nSKIP repository checks: {reason}")
        pytest.skip(reason)
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name]


def test_no_generated_file_is_tracked() -> None:
    files = tracked_files()
    assert "Makefile" in files
    assert [f for f in files if GENERATED.search(f)] == []


def test_no_large_file_is_tracked() -> None:
    large = [f for f in tracked_files() if (ROOT / f).is_file() and (ROOT / f).stat().st_size > MAX_BYTES]
    assert large == []


@pytest.mark.parametrize(
    "path,generated",
    [
        (".rasa/cache/cache.db", True),
        ("var/models/x.tar.gz", True),
        ("bot/__pycache__/a.pyc", True),
        ("knowledge/models.py", False),
        ("tests/data/safety_holdout.tsv", False),
    ],
)
def test_generated_pattern(path: str, generated: bool) -> None:
    assert bool(GENERATED.search(path)) is generated


ADAPTER_IMPORTS = (
    "rasa",
    "rasa_sdk",
    "fastapi",
    "starlette",
    "sanic",
    "uvicorn",
    "actions",
    "bot",
    "webapp",
    "scripts",
)


def test_the_domain_imports_no_adapter() -> None:
    """knowledge/ is plain Python: Rasa, the web framework and the adapters depend on it, never back."""
    import ast

    wrong = []
    for path in sorted((ROOT / "knowledge").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            wrong += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ADAPTER_IMPORTS]
    assert wrong == []
