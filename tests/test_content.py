"""Quality checks of the curated content (issue: the knowledge base)."""

from __future__ import annotations

import datetime as dt
import re
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


def assert_honest_review(item: Dict[str, Any]) -> None:
    """No item claims a check that did not happen.

    last_checked is empty (null) until someone checked the item against its
    sources; "gecontroleerd" needs both the date and who checked it.
    """
    label = item.get("slug") or item.get("key")
    last_checked = item.get("last_checked")
    assert last_checked is None or isinstance(last_checked, dt.date), (label, last_checked)
    assert "checked_by" in item, f"{label}: checked_by missing (null until someone checks)"
    assert item["review"]["status"] in ("gecontroleerd", "te-controleren"), label
    if item["review"]["status"] == "gecontroleerd":
        assert isinstance(last_checked, dt.date) and str(item.get("checked_by") or "").strip(), (
            f"{label}: gecontroleerd without a date and a checker"
        )
    else:
        assert str(item["review"].get("note") or "").strip(), f"{label}: say in review.note what is unverified"


def test_every_outline_slug_is_published(outline_slugs: List[str]) -> None:
    by_slug = {a["slug"]: a for a in articles()}
    missing = [s for s in outline_slugs if s not in by_slug]
    assert not missing, f"outline slugs without an article: {missing}"
    unpublished = [s for s in outline_slugs if not by_slug[s].get("published", True)]
    assert not unpublished


# Local ways of working that only the municipalities' own documents (shared/sources D0-D4) describe.
OFFLINE_ONLY = {"ihv13w", "procesregisseur", "veiligheid-lokaal", "interventieteam", "regionaal-veiligheidsteam"}


@pytest.mark.parametrize("article", articles(), ids=lambda a: a["slug"])
def test_article_is_complete(article: Dict[str, Any]) -> None:
    assert article["title"] and article["short_answer"]
    assert len(article.get("example_questions") or []) >= 3
    assert article["sources"], "needs at least one source"
    assert any(source.get("url") for source in article["sources"]) or article["slug"] in OFFLINE_ONLY, article["slug"]
    for source in article["sources"]:
        # A web page, or a document that is not online: then its title names author and date.
        if "url" in source:
            assert str(source["url"]).startswith(("https://", "http://")), source
        else:
            assert re.search(r"(19|20)\d\d", str(source.get("title"))), source
    assert_honest_review(article)
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
        assert_honest_review(lv)


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
    out["sections"] = {k: str(v).strip() for k, v in (article.get("sections") or {}).items()}
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
            "sections",
            "example_questions",
            "tags",
            "audience",
            "related",
            "sources",
            "last_checked",
            "checked_by",
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


def test_gecontroleerd_without_date_or_checker_is_refused(tmp_path: Path) -> None:
    from knowledge.content_io import ContentError, article_from_dict, local_from_dict

    article = read_yaml(CONTENT_DIR / "articles" / "veilig-thuis.yaml")
    claimed = {**article, "review": {"status": "gecontroleerd", "note": ""}}
    for last_checked, checked_by in ((None, None), (None, "redactie"), ("2026-12-03", None)):
        with pytest.raises(ContentError, match="gecontroleerd"):
            article_from_dict({**claimed, "last_checked": last_checked, "checked_by": checked_by})
    checked = article_from_dict({**claimed, "last_checked": "2026-12-03", "checked_by": "redactie"})
    assert checked["last_checked"] == dt.date(2026, 12, 3) and checked["checked_by"] == "redactie"
    local = read_yaml(CONTENT_DIR / "local" / "amersfoort-wijkteam.yaml")
    with pytest.raises(ContentError, match="gecontroleerd"):
        local_from_dict({**local, "last_checked": None, "review": {"status": "gecontroleerd"}})
    # The import refuses such a file too, with the file's slug in the message.
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "veilig-thuis.yaml").write_text(
        yaml.safe_dump({**claimed, "last_checked": None, "checked_by": None}, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ContentError, match="veilig-thuis.*gecontroleerd"):
        import_content(content, url=f"sqlite:///{tmp_path / 'refused.db'}")


def test_answer_payload_says_whether_it_was_checked(tmp_path: Path) -> None:
    from knowledge.answers import article_answer
    from knowledge.db import session_scope
    from knowledge.models import Article, LocalVersion

    url = f"sqlite:///{tmp_path / 'checked.db'}"
    import_content(url=url)
    with session_scope(url) as session:
        unchecked = article_answer(session, "wijkteam")
        assert unchecked is not None and unchecked.payload["checked"] is None
        article = session.query(Article).filter_by(slug="wijkteam").one()
        article.last_checked, article.checked_by = dt.date(2026, 12, 3), "redactie"
        session.flush()
        checked = article_answer(session, "wijkteam")
        assert checked is not None and checked.payload["checked"] == "2026-12-03"
        # A local version counts as checked only when it and the article are; the older date.
        local_unchecked = article_answer(session, "wijkteam", "Amersfoort")
        assert local_unchecked is not None and local_unchecked.payload["local"]
        assert local_unchecked.payload["checked"] is None
        local = session.query(LocalVersion).filter_by(key="amersfoort-wijkteam").one()
        local.last_checked, local.checked_by = dt.date(2026, 11, 30), "gemeente Amersfoort"
        session.flush()
        local_checked = article_answer(session, "wijkteam", "Amersfoort")
        assert local_checked is not None and local_checked.payload["checked"] == "2026-11-30"
