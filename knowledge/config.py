"""The one place that reads environment variables.

Every setting has a safe default for the embedded setup (SQLite next to the
checkout, services on localhost), so `make run` works without configuration.
Secrets have no default, except in the explicit development mode
(JB_ENV=development), which `make run` sets and prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class Settings:
    database_url: str
    rasa_url: str
    rasa_token: str
    web_port: int
    rasa_port: int
    actions_port: int
    staff_users: dict
    bot_public_url: str
    staff_hours_path: Path
    session_secret: str
    retention_days: int
    log_level: str
    development: bool


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Read the configuration once per process."""
    default_db = f"sqlite:///{REPO_ROOT / 'var' / 'knowledge.db'}"
    development = os.environ.get("JB_ENV", "") == "development"
    return Settings(
        database_url=os.environ.get("DATABASE_URL", default_db),
        rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        rasa_token=os.environ.get("RASA_TOKEN", "dev-only-change-me"),
        web_port=int(os.environ.get("WEB_PORT", "8000")),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        actions_port=int(os.environ.get("ACTIONS_PORT", "5055")),
        staff_users=_parse_users(os.environ.get("STAFF_USERS", "medewerker:medewerker" if development else "")),
        bot_public_url=os.environ.get("BOT_PUBLIC_URL", "http://localhost:5005"),
        staff_hours_path=Path(os.environ.get("STAFF_HOURS_PATH", CONTENT_DIR / "staff_hours.yaml")),
        session_secret=os.environ.get("SESSION_SECRET", "dev-only-session-secret"),
        retention_days=int(os.environ.get("RETENTION_DAYS", "30")),
        log_level=os.environ.get("LOG_LEVEL", "INFO"),
        development=development,
    )


def _parse_users(value: str) -> dict:
    """'anna:secret,bob:other' -> {'anna': 'secret', 'bob': 'other'}."""
    pairs = (item.split(":", 1) for item in value.split(",") if ":" in item)
    return {name.strip(): password for name, password in pairs if name.strip()}
