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
    # Internal services (issue 13): Rasa and the action server listen on internal_host only.
    # rasa_jwt_secret signs the web app's calls to Rasa's HTTP API (a header, never a URL);
    # actions_secret is the header Rasa sends to the action server. No defaults: the
    # launcher makes random ones per run in development (scripts/services.py).
    rasa_jwt_secret: str
    actions_secret: str
    internal_host: str
    actions_url: str
    # Empty: in memory (development). postgresql://user:pw@host/db, redis://host:6379/1.
    tracker_store_url: str
    lock_store_url: str
    # Host names the web app answers to ("*": any, development only by default).
    trusted_hosts: tuple
    web_host: str  # the public one: the interface the web app listens on
    web_port: int
    rasa_port: int
    rasa_servers: int  # how many Rasa server processes the launcher starts (ports rasa_port, +1, ...)
    rasa_speedups: bool  # bot/speedups.py (RASA_SPEEDUPS=0: Rasa as shipped, for measuring or after an upgrade)
    actions_port: int
    staff_hours_path: Path
    retention_days: int
    log_level: str
    development: bool
    # Staff logins (knowledge/accounts): cookie over HTTPS only unless COOKIE_SECURE=0
    # (the default in development, which runs on http://localhost).
    cookie_secure: bool
    session_hours: int
    login_max_failures: int
    lockout_minutes: int
    check_period_months: int
    # Where the fitted safety model is kept between processes (knowledge/safety/model_store.py).
    cache_dir: Path


# Conversations (Rasa's tracker store) and handoff tickets are deleted this many days
# after their last message (tickets: after they ended); scripts/retention.py does it.
DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 366


def whole_number(name: str, default: int, low: int, high: int) -> int:
    """The environment variable NAME as a whole number from LOW to HIGH; the service stops otherwise."""
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {raw[:20]!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {value}")
    return value


@lru_cache(maxsize=1)
def settings() -> Settings:
    """Read the configuration once per process."""
    default_db = f"sqlite:///{REPO_ROOT / 'var' / 'knowledge.db'}"
    development = os.environ.get("JB_ENV", "") == "development"
    internal_host = os.environ.get("INTERNAL_HOST", "127.0.0.1")
    actions_port = int(os.environ.get("ACTIONS_PORT", "5055"))
    return Settings(
        database_url=os.environ.get("DATABASE_URL", default_db),
        rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        rasa_jwt_secret=os.environ.get("RASA_JWT_SECRET", ""),
        actions_secret=os.environ.get("ACTIONS_SECRET", ""),
        internal_host=internal_host,
        actions_url=os.environ.get("ACTIONS_URL", f"http://{internal_host}:{actions_port}/webhook"),
        tracker_store_url=os.environ.get("TRACKER_STORE_URL", ""),
        lock_store_url=os.environ.get("LOCK_STORE_URL", ""),
        trusted_hosts=tuple(h.strip() for h in os.environ.get("TRUSTED_HOSTS", "*").split(",") if h.strip()),
        web_host=os.environ.get("WEB_HOST", "0.0.0.0"),
        web_port=int(os.environ.get("WEB_PORT", "8000")),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        rasa_servers=whole_number("RASA_SERVERS", 1, 1, 16),
        rasa_speedups=os.environ.get("RASA_SPEEDUPS", "1") != "0",
        actions_port=actions_port,
        staff_hours_path=Path(os.environ.get("STAFF_HOURS_PATH", CONTENT_DIR / "staff_hours.yaml")),
        retention_days=whole_number("RETENTION_DAYS", DEFAULT_RETENTION_DAYS, 1, MAX_RETENTION_DAYS),
        log_level=os.environ.get("LOG_LEVEL", "INFO"),
        development=development,
        cookie_secure=os.environ.get("COOKIE_SECURE", "0" if development else "1") != "0",
        session_hours=int(os.environ.get("SESSION_HOURS", "8")),
        login_max_failures=int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        lockout_minutes=int(os.environ.get("LOCKOUT_MINUTES", "15")),
        check_period_months=int(os.environ.get("CHECK_PERIOD_MONTHS", "12")),
        cache_dir=Path(os.environ.get("JB_CACHE_DIR", "") or REPO_ROOT / "var" / "cache"),
    )


# Secrets that were defaults once, or are too short to be secret.
KNOWN_DEFAULTS = {"dev-only-change-me", "dev-only-session-secret", "changeme", "secret"}
MIN_SECRET_CHARS = 24


class ConfigError(SystemExit):
    """A service refuses to start with this configuration."""


def require_secret(name: str, value: str) -> str:
    """VALUE if it can be a secret; otherwise the service stops with a clear message."""
    if not value or value in KNOWN_DEFAULTS or len(value) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"{name} is empty, a known default or shorter than {MIN_SECRET_CHARS} characters: "
            f"set it (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`). "
            "`make run` (JB_ENV=development) makes one per run."
        )
    return value
