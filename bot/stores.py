"""Rasa's tracker store and lock store, chosen by knowledge/config.py and never blocking safety.

bot/endpoints.yml names these two classes; what they connect to comes from
TRACKER_STORE_URL and LOCK_STORE_URL (one validated place):

- TRACKER_STORE_URL empty: conversations in memory (development, one server).
  `postgresql://user:password@host:5432/db`: Rasa's SQL tracker store, so a
  restart or a second Rasa server continues the conversation.
- LOCK_STORE_URL empty: in-memory locks. `redis://[:password@]host:6379/1`:
  Rasa's Redis lock store, shared by every Rasa server.

What Rasa 3.6 does by itself when these are down, and what is different here:
- its SQL tracker store retries forever at start-up when the database cannot be
  reached, so Rasa would not start and no safety reply would be given. Here the
  store starts anyway and connects on first use; until the database is back a
  message is handled on a new, empty tracker (Rasa's FailSafeTrackerStore), so
  a safety message still gets its emergency reply, and the conversation's
  earlier turns are missing only during the outage.
- its Redis lock store raises on every message while Redis is down, so nothing
  is answered. Here a Redis error falls back to in-process locks (one server
  still serialises its own messages) and is logged by type only.
- its Redis lock store reads, changes and writes the ticket lock in three steps
  (RasaHQ/rasa #9213): two servers taking a message of one conversation at the
  same moment both got the lock and one turn was lost (measured,
  tests/test_e2e_scaleout.py). Here each read-modify-write of a conversation's
  lock holds a Redis mutex (SET NX with a token, released by redis-py's script).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterable, Iterator, Optional, Text
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from knowledge.config import settings
from knowledge.masking import mask

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 3  # seconds: a database that does not answer must not hold a message for long
SWEEP_SECONDS = 600  # in memory: conversations past the retention period are dropped this often
DAY = 86400.0


def _connect_args(url: str) -> Dict[str, Any]:
    return {"connect_timeout": CONNECT_TIMEOUT} if url.startswith("postgres") else {}


def _sql_store(url: str, domain: Domain, event_broker: Any) -> SQLTrackerStore:
    """Rasa's SQLTrackerStore, connected once (no endless retry loop); raises when the database is down."""
    store = SQLTrackerStore.__new__(SQLTrackerStore)
    store.engine = sa.create_engine(url, pool_pre_ping=True, connect_args=_connect_args(url))
    store.Base.metadata.create_all(store.engine)
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)
    TrackerStore.__init__(store, domain, event_broker)
    return store


def mask_user_texts(tracker: DialogueStateTracker) -> None:
    """Personal data out of what the parent typed before it is stored (knowledge.masking).

    The message was read whole (NLU, safety detector) before this; at rest only
    the masked text is kept, in memory and in PostgreSQL alike."""
    for event in tracker.events:
        if isinstance(event, UserUttered) and event.text:
            masked = mask(event.text)
            if masked != event.text:
                event.text = masked
                if isinstance(event.parse_data, dict) and "text" in event.parse_data:
                    event.parse_data["text"] = masked


class ConfiguredTrackerStore(TrackerStore):
    """In memory, or Rasa's SQL tracker store on TRACKER_STORE_URL, connected lazily."""

    def __init__(self, domain: Optional[Domain] = None, event_broker: Any = None, **_kwargs: Any) -> None:
        self._url = settings().tracker_store_url
        self._domain = domain or Domain.empty()
        self._event_broker = event_broker
        self._store: Optional[TrackerStore] = None
        # In memory: when each conversation last changed (Unix time), for the retention period.
        self._last_saved: Dict[Text, float] = {}
        self._next_sweep = time.time() + SWEEP_SECONDS
        super().__init__(self._domain, event_broker)
        if not self._url:
            self._store = InMemoryTrackerStore(self._domain, event_broker)
        else:
            try:
                self._connected()
            except Exception as exc:  # noqa: BLE001 - start anyway; connect on first use
                log.error("tracker store: database not reachable at start (%s); will retry", type(exc).__name__)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain) -> None:
        self._domain = domain
        if getattr(self, "_store", None) is not None:
            self._store.domain = domain  # type: ignore[union-attr]

    def _connected(self) -> TrackerStore:
        if self._store is None:
            self._store = _sql_store(self._url, self._domain, self._event_broker)
            log.info("tracker store: connected to %s", self._store.engine.url.get_backend_name())
        return self._store

    async def save(self, tracker: DialogueStateTracker) -> None:
        mask_user_texts(tracker)
        await self._connected().save(tracker)
        if isinstance(self._store, InMemoryTrackerStore):
            now = time.time()
            self._last_saved[tracker.sender_id] = now
            if now >= self._next_sweep:
                self._next_sweep = now + SWEEP_SECONDS
                self.forget_older_than(now - settings().retention_days * DAY)

    def forget_older_than(self, before: float) -> int:
        """In memory: drop the conversations last changed before BEFORE (Unix time); how many.

        (In PostgreSQL `python -m scripts.retention` deletes them: purge_conversations.)"""
        if not isinstance(self._store, InMemoryTrackerStore):
            return 0
        old = [sender for sender, saved in self._last_saved.items() if saved < before]
        for sender in old:
            self._store.store.pop(sender, None)
            del self._last_saved[sender]
        return len(old)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._connected().retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._connected().retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[Text]:
        return await self._connected().keys()


def purge_conversations(url: str, before: float) -> int:
    """Delete from Rasa's SQL tracker store at URL every conversation whose last event
    is older than BEFORE (Unix time, as Rasa stores it); how many conversations."""
    events = SQLTrackerStore.SQLEvent.__table__
    engine = sa.create_engine(url, connect_args=_connect_args(url))
    try:
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table(events.name):
                return 0  # no Rasa server has used this store yet
            old = (
                sa.select(events.c.sender_id)
                .group_by(events.c.sender_id)
                .having(sa.func.max(events.c.timestamp) < before)
            )
            count = conn.execute(sa.select(sa.func.count()).select_from(old.subquery())).scalar_one()
            if count:
                # One statement: a conversation that gets a new message meanwhile is no longer old.
                conn.execute(events.delete().where(events.c.sender_id.in_(old)))
            return int(count)
    finally:
        engine.dispose()


def redis_lock_store(url: str) -> RedisLockStore:
    parts = urlsplit(url)
    db = parts.path.strip("/") or "1"
    return RedisLockStore(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        db=int(db),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_ssl=parts.scheme == "rediss",
        socket_timeout=CONNECT_TIMEOUT,
    )


class ConfiguredLockStore(LockStore):
    """In-memory locks, or Redis on LOCK_STORE_URL with in-process locks while Redis is down."""

    def __init__(self, endpoint_config: Any = None) -> None:
        url = settings().lock_store_url
        self._memory = InMemoryLockStore()
        self._redis: Optional[RedisLockStore] = redis_lock_store(url) if url else None
        super().__init__()

    def _call(self, method: str, *args: Any) -> Any:
        if self._redis is not None:
            try:
                return getattr(self._redis, method)(*args)
            except Exception as exc:  # noqa: BLE001 - Redis down: serialise in this process instead
                log.error("lock store: Redis failed (%s); using in-process locks", type(exc).__name__)
        return getattr(self._memory, method)(*args)

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._call("get_lock", conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self._call("delete_lock", conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self._call("save_lock", lock)

    @contextmanager
    def _mutex(self, conversation_id: Text) -> Iterator[None]:
        """One server at a time changes this conversation's lock (no-op without Redis)."""
        mutex: Any = None
        if self._redis is not None:
            try:
                mutex = self._redis.red.lock(
                    f"{self._redis.key_prefix}mutex:{conversation_id}", timeout=10, blocking_timeout=5
                )
                if not mutex.acquire():
                    mutex = None
            except Exception as exc:  # noqa: BLE001 - Redis down: the in-process fallback serialises
                log.error("lock store: Redis mutex failed (%s)", type(exc).__name__)
                mutex = None
        try:
            yield
        finally:
            if mutex is not None:
                try:
                    mutex.release()
                except Exception as exc:  # noqa: BLE001 - expired: Redis frees it by itself
                    log.warning("lock store: mutex release failed (%s)", type(exc).__name__)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: Text) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            LockStore.finish_serving(self, conversation_id, ticket_number)
            if not self.is_someone_waiting(conversation_id):
                self.delete_lock(conversation_id)
