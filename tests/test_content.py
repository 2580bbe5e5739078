"""Quality checks of the curated content (issue: the knowledge base)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from knowledge.config import CONTENT_DIR
from knowledge.content_io import export_content, import_content, read_yaml
from knowledge.readability import LIMIT as READABILITY_MIN
from knowledge.readability import flesch_douma

# Readability: Flesch–Douma >= 60 (see knowledge/readability.py for why).
SHORT_ANSWER_MAX_WORDS = 75


def articles() -> List[Dict[str, Any]]:
    return [read_yaml(p) for p in sorted((CONTENT_DIR / "articles").glob("*.yaml"))]


def local_versions() -> List[Dict[str, Any]]:
    return [read_yaml(p) for p in sorted((CONTENT_DIR / "local").glob("*.yaml"))]


def test_every_outline_slug_is_published(outline_slugs: List[str]) -> None:
    by_slug = {a["slug"]: a for a in articles()}
    missing = [s for s in outline_slugs if s not in by_slug]
    assert not missing, f"outline slugs without an article: {missing}"
    unpublished = [s for s in outline_slugs if not by_slug[s].get("published", True)]
    assert not unpublished


@pytest.mark.parametrize("article", articles(), ids=lambda a: a["slug"])
def test_article_is_complete(article: Dict[str, Any]) -> None:
    assert article["title"] and article["short_answer"]
    assert len(article.get("example_questions") or []) >= 3
    assert article["sources"], "needs at least one source"
    for source in article["sources"]:
        assert source.get("title") and str(source.get("url", "")).startswith(("https://", "http://")), source
    assert isinstance(article.get("last_checked"), dt.date)
    assert article["review"]["status"] in ("gecontroleerd", "te-controleren")
    assert set(article["tags"]) <= {"organisation", "measure", "right", "phase"}


@pytest.mark.parametrize("article", articles(), ids=lambda a: a["slug"])
def test_short_answer_is_plain_dutch(article: Dict[str, Any]) -> None:
    text = article["short_answer"]
    assert len(text.split()) <= SHORT_ANSWER_MAX_WORDS, "short answer too long for a chat bubble"
    score = flesch_douma(text)
    assert score >= READABILITY_MIN, f"Flesch–Douma {score:.0f} < {READABILITY_MIN}: {text}"


def test_no_u_form_in_short_answers() -> None:
    # We address the parent as "je" everywhere; "u" mixed in reads as two voices.
    offenders = [
        a["slug"]
        for a in articles()
        if " u " in f" {a['short_answer'].lower()} " or " uw " in f" {a['short_answer'].lower()} "
    ]
    assert not offenders


def test_internal_references_resolve() -> None:
    slugs = {a["slug"] for a in articles()}
    broken = [(a["slug"], r) for a in articles() for r in a.get("related") or [] if r not in slugs]
    broken += [(lv["key"], lv["article"]) for lv in local_versions() if lv["article"] not in slugs]
    glossary = yaml.safe_load((CONTENT_DIR / "glossary.yaml").read_text(encoding="utf-8"))
    broken += [(g["term"], g["article"]) for g in glossary if g.get("article") and g["article"] not in slugs]
    assert not broken, f"references to articles that do not exist: {broken}"


def test_glossary_has_enough_terms() -> None:
    glossary = yaml.safe_load((CONTENT_DIR / "glossary.yaml").read_text(encoding="utf-8"))
    assert len(glossary) >= 40
    assert all(g["definition"].strip() for g in glossary)


def test_every_listed_municipality_has_local_versions(outline: Dict[str, Any]) -> None:
    needed = ("wijkteam", "clientondersteuner-vinden", "veilig-thuis-bellen")
    have = {(m.casefold(), lv["article"]) for lv in local_versions() for m in lv["municipalities"]}
    missing = [
        (entry["gemeente"], slug)
        for entry in outline["lokaal"]
        for slug in needed
        if (entry["gemeente"].casefold(), slug) not in have
    ]
    assert not missing, f"local versions missing: {missing}"


def test_local_versions_have_sources_and_dates() -> None:
    for lv in local_versions():
        assert lv["sources"], lv["key"]
        assert isinstance(lv.get("last_checked"), dt.date), lv["key"]


def test_import_is_idempotent_and_content_round_trips(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    first = import_content(url=url)
    assert first["articles"] == len(articles())
    assert import_content(url=url) == {"articles": 0, "local": 0, "glossary": 0}
    export_content(tmp_path / "export", url=url)
    for original in sorted((CONTENT_DIR / "articles").glob("*.yaml")):
        exported = tmp_path / "export" / "articles" / original.name
        assert read_yaml(exported) == _normalised(read_yaml(original)), original.name
    # Re-importing the export into a fresh database changes nothing either.
    url2 = f"sqlite:///{tmp_path / 'roundtrip2.db'}"
    import_content(tmp_path / "export", url=url2)
    assert import_content(CONTENT_DIR, url=url2) == {"articles": 0, "local": 0, "glossary": 0}


def _normalised(article: Dict[str, Any]) -> Dict[str, Any]:
    """The original file as the export writes it (stripped text, full review block)."""
    out = dict(article)
    out["short_answer"] = article["short_answer"].strip()
    out["body"] = (article.get("body") or "").strip()
    out["review"] = {"status": article["review"]["status"], "note": article["review"].get("note") or ""}
    out["tags"] = {k: list(v or []) for k, v in (article.get("tags") or {}).items()}
    out.setdefault("published", True)
    return {
        k: out.get(k)
        for k in (
            "slug",
            "title",
            "category",
            "short_answer",
            "body",
            "example_questions",
            "tags",
            "audience",
            "related",
            "sources",
            "last_checked",
            "review",
            "published",
        )
    }


def test_seeding_keeps_what_editors_changed(tmp_path: Path) -> None:
    from knowledge.content_io import upsert_article
    from knowledge.db import session_scope

    url = f"sqlite:///{tmp_path / 'editors.db'}"
    import_content(url=url)
    edited = {**read_yaml(CONTENT_DIR / "articles" / "veilig-thuis.yaml"), "title": "Aangepast door de redactie"}
    with session_scope(url) as session:
        upsert_article(session, edited)
    assert import_content(url=url, only_new=True) == {"articles": 0, "local": 0, "glossary": 0}
    export_content(tmp_path / "out", url=url)
    assert read_yaml(tmp_path / "out" / "articles" / "veilig-thuis.yaml")["title"] == "Aangepast door de redactie"
