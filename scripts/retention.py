"""Delete conversations and handoff tickets older than the retention period.

    python -m scripts.retention         # once; `make run`'s launcher runs it every hour

RETENTION_DAYS (knowledge/config.py; default 30, 1 to 366) decides:
- Rasa's tracker store (TRACKER_STORE_URL, PostgreSQL): every conversation whose
  last message is older is deleted with all its events (bot/stores.py).
  In memory (no TRACKER_STORE_URL) the Rasa server drops them itself, every 10 minutes.
- the knowledge base (DATABASE_URL): every handoff ticket that ended longer ago, or
  was opened longer ago and never ended, with its masked transcript and messages
  (knowledge/handoff.py).
Prints how many of each, never an id or a text. Exits 1 when a store could not be reached.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from dataclasses import dataclass
from typing import Any, Optional

from bot.stores import DAY, purge_conversations
from knowledge import handoff
from knowledge.config import settings
from knowledge.db import session_scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    conversations: Optional[int]  # None: kept in memory by the Rasa server (it purges them itself)
    tickets: int


def purge(now: Optional[dt.datetime] = None) -> Purged:
    """Delete everything older than RETENTION_DAYS before NOW (UTC; default: now)."""
    config = settings()
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    conversations = None
    if config.tracker_store_url:
        before = now.timestamp() - config.retention_days * DAY
        conversations = purge_conversations(config.tracker_store_url, before)
    with session_scope() as session:
        tickets = handoff.purge_expired(session, config.retention_days, now.replace(tzinfo=None))
    return Purged(conversations, tickets)


def main(argv: Any = None) -> None:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    config = settings()
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        purged = purge()
    except Exception as exc:  # noqa: BLE001 - say which kind, never a connection string
        print(f"!! retention: deleting failed ({type(exc).__name__}); trying again next time", flush=True)
        sys.exit(1)
    kept = "in memory (the Rasa server deletes them)" if purged.conversations is None else purged.conversations
    days = config.retention_days
    print(f">> retention ({days} days): conversations deleted: {kept}; tickets deleted: {purged.tickets}", flush=True)


if __name__ == "__main__":
    main()
