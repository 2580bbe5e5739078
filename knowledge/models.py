"""SQLAlchemy models of the knowledge base and of handoff tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import declarative_base, relationship

# Any: SQLAlchemy 1.4 without its mypy plugin cannot type the declarative base.
Base: Any = declarative_base()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class _Reviewed:
    """Columns every piece of published text has: its text, sources and review."""

    short_answer = Column(Text, nullable=False)
    body = Column(Text, nullable=False, default="")
    sources = Column(JSON, nullable=False, default=list)
    # Set only when someone checked the text against its sources; empty until then.
    last_checked = Column(Date, nullable=True)
    checked_by = Column(String(120), nullable=True)  # who checked it (name or role)
    review_status = Column(String(40), nullable=False, default="te-controleren")
    review_note = Column(Text, nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Article(_Reviewed, Base):
    """A general (not municipality-specific) answer about one topic."""

    __tablename__ = "articles"
    id = Column(Integer, primary_key=True)
    slug = Column(String(120), unique=True, nullable=False, index=True)
    title = Column(String(300), nullable=False)
    category = Column(String(60), nullable=False, default="overig")
    example_questions = Column(JSON, nullable=False, default=list)
    tags = Column(JSON, nullable=False, default=dict)
    audience = Column(JSON, nullable=False, default=list)
    related = Column(JSON, nullable=False, default=list)
    # Short answers to one aspect of the topic (duur, wie-beslist, kosten, ...).
    sections = Column(JSON, nullable=False, default=dict)
    published = Column(Boolean, nullable=False, default=True)


class LocalVersion(_Reviewed, Base):
    """A municipality's own version of (or addition to) a general article."""

    __tablename__ = "local_versions"
    id = Column(Integer, primary_key=True)
    key = Column(String(160), unique=True, nullable=False, index=True)
    article_slug = Column(String(120), nullable=False, index=True)
    municipalities = Column(JSON, nullable=False, default=list)
    mode = Column(String(20), nullable=False, default="replace")


class GlossaryTerm(Base):
    """One entry of the begrippenlijst."""

    __tablename__ = "glossary"
    id = Column(Integer, primary_key=True)
    term = Column(String(160), unique=True, nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    definition = Column(Text, nullable=False)
    article_slug = Column(String(120), nullable=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Ticket(Base):
    """A request to talk to a person, with its masked transcript."""

    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    public_id = Column(String(40), unique=True, nullable=False, index=True)
    conversation_id = Column(String(200), nullable=False, index=True)
    parent_token = Column(String(80), nullable=False)
    urgency = Column(Integer, nullable=False, default=3)  # 0 = most urgent
    level = Column(String(30), nullable=True)  # safety level that caused it, if any
    municipality = Column(String(120), nullable=True)
    status = Column(String(20), nullable=False, default="queued")
    taken_by = Column(String(120), nullable=True)
    callback_contact = Column(String(200), nullable=True)  # only if the parent chose to give it
    created_at = Column(DateTime, nullable=False, default=utcnow)
    taken_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    messages = relationship("TicketMessage", order_by="TicketMessage.id", cascade="all, delete-orphan")


class TicketMessage(Base):
    """One line of a ticket's transcript; text is stored masked."""

    __tablename__ = "ticket_messages"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    sender = Column(String(20), nullable=False)  # parent | bot | staff | system
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class User(Base):
    """A staff account: beheerder, redacteur, eindredacteur or medewerker."""

    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), unique=True, nullable=False, index=True)
    password_hash = Column(String(200), nullable=False)  # argon2id
    role = Column(String(20), nullable=False)
    municipalities = Column(JSON, nullable=False, default=list)  # for redacteur and medewerker; "*" = all
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class AccountLock(Base):
    """An account a beheerder blocked: it cannot log in until it is unlocked.
    (A table of its own, so existing SQLite files get it from create_all.)"""

    __tablename__ = "account_locks"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False)
    locked_by = Column(String(80), nullable=False)
    locked_at = Column(DateTime, nullable=False, default=utcnow)


class PasswordLink(Base):
    """A one-time link with which a person sets their own password. Only a hash
    of the link's code is stored; it works once and expires."""

    __tablename__ = "password_links"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), unique=True, nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_by = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class LoginSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "login_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), unique=True, nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


class LoginThrottle(Base):
    """Failed logins per user name and per client address, for throttling and lock-out."""

    __tablename__ = "login_throttle"
    id = Column(Integer, primary_key=True)
    key = Column(String(200), unique=True, nullable=False, index=True)  # "user:anna" or "ip:10.0.0.1"
    failures = Column(Integer, nullable=False, default=0)
    first_failure = Column(DateTime, nullable=False, default=utcnow)
    locked_until = Column(DateTime, nullable=True)


class AuditEntry(Base):
    """One write by a person: who, when, what, the old and the new value."""

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(80), nullable=False, index=True)
    action = Column(String(60), nullable=False)
    object_type = Column(String(40), nullable=False)
    object_key = Column(String(200), nullable=False, index=True)
    old_value = Column(JSON, nullable=True)
    new_value = Column(JSON, nullable=True)


class ContentVersion(Base):
    """One version of an article or local version: the whole text, who, when and why.

    status: concept | ter-beoordeling | gepubliceerd | afgewezen. The live row in
    articles / local_versions is the newest published version.
    """

    __tablename__ = "content_versions"
    id = Column(Integer, primary_key=True)
    kind = Column(String(10), nullable=False)  # article | local
    key = Column(String(160), nullable=False, index=True)
    number = Column(Integer, nullable=False)
    data = Column(JSON, nullable=False)
    status = Column(String(20), nullable=False)
    author = Column(String(80), nullable=False)
    reason = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    reviewed_by = Column(String(80), nullable=True)
    reviewed_at = Column(DateTime, nullable=True)


class UnansweredQuestion(Base):
    """A question the bot could not answer well, masked, without any conversation id."""

    __tablename__ = "unanswered_questions"
    id = Column(Integer, primary_key=True)
    week = Column(String(8), nullable=False, index=True)  # ISO week, 2026-W47: no exact time
    question = Column(String(300), nullable=False)  # masked and scrubbed of names and numbers
    decision = Column(String(20), nullable=False)  # unknown | choose | tentative
    topic = Column(String(120), nullable=True)  # the closest article, if any
    municipality = Column(String(120), nullable=True)
    source = Column(String(20), nullable=False, default="chat")  # chat | naslag
