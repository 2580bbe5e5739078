"""Import the reviewable content files into the database, and export them back.

The import is idempotent: running it twice changes nothing the second time. The
export writes the same YAML layout the import reads, so content round-trips.

    python -m knowledge.content_io import [DIR] [--only-new]
    python -m knowledge.content_io export DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.config import CONTENT_DIR
from knowledge.db import session_scope
from knowledge.facets import load_vocabulary
from knowledge.models import Article, GlossaryTerm, LocalVersion

ARTICLE_FIELDS = (
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
LOCAL_FIELDS = (
    "key",
    "article",
    "municipalities",
    "mode",
    "short_answer",
    "body",
    "sources",
    "last_checked",
    "checked_by",
    "review",
)


class ContentError(ValueError):
    """A content file is malformed; the message says which file and why."""


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc


def _as_date(value: Any) -> Optional[dt.date]:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


REVIEW_STATUSES = ("gecontroleerd", "te-controleren")


def _review_columns(data: Dict[str, Any], label: str) -> Dict[str, Any]:
    """The review columns of an article or local version.

    last_checked and checked_by stay empty until someone checked the item against
    its sources; "gecontroleerd" without both is refused, so no item claims a
    check that did not happen.
    """
    review = data.get("review") or {}
    status = str(review.get("status") or "te-controleren")
    if status not in REVIEW_STATUSES:
        raise ContentError(f"{label}: review status must be one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
    try:
        last_checked = _as_date(data.get("last_checked"))
    except ValueError as exc:
        raise ContentError(f"{label}: last_checked must be a date (YYYY-MM-DD) or empty: {exc}") from exc
    checked_by = str(data.get("checked_by") or "").strip() or None
    if status == "gecontroleerd" and (last_checked is None or checked_by is None):
        raise ContentError(
            f"{label}: status gecontroleerd needs last_checked (the date of the check) and checked_by "
            "(who checked it); leave the status te-controleren until someone has checked the sources"
        )
    return {
        "last_checked": last_checked,
        "checked_by": checked_by,
        "review_status": status,
        "review_note": str(review.get("note") or ""),
    }


def _sources(data: Dict[str, Any]) -> List[Dict[str, str]]:
    """Sources: a title and a web address, or (for a document that is not online,
    such as a municipality's letter) a title that names author and date."""
    out = []
    for source in data.get("sources") or []:
        entry = {"title": str(source.get("title", "")).strip()}
        if source.get("url"):
            entry["url"] = str(source["url"]).strip()
        out.append(entry)
    return out


def _sections(data: Dict[str, Any]) -> Dict[str, str]:
    """An article's sections: {aspect: text}, aspects from content/facets.yaml."""
    raw = data.get("sections") or {}
    if not isinstance(raw, dict):
        raise ContentError(f"article {data.get('slug', '?')}: sections must be a mapping aspect -> text")
    known = load_vocabulary().aspect_names()
    unknown = [str(k) for k in raw if k not in known]
    if unknown:
        raise ContentError(
            f"article {data.get('slug', '?')}: unknown section(s) {', '.join(unknown)}; use {', '.join(known)}"
        )
    return {str(k): str(v).strip() for k, v in raw.items() if v and str(v).strip()}


def article_from_dict(data: Dict[str, Any]) -> Dict[str, Any]:
    """Validate an article dict (from a file or the API) into model columns."""
    missing = [f for f in ("slug", "title", "short_answer", "sources") if not data.get(f)]
    if missing:
        raise ContentError(f"article {data.get('slug', '?')}: missing {', '.join(missing)}")
    review = _review_columns(data, f"article {data['slug']}")
    return {
        "slug": str(data["slug"]).strip(),
        "title": str(data["title"]).strip(),
        "category": str(data.get("category") or "overig"),
        "short_answer": str(data["short_answer"]).strip(),
        "body": str(data.get("body") or "").strip(),
        "sections": _sections(data),
        "example_questions": [str(q) for q in data.get("example_questions") or []],
        "tags": {k: list(v or []) for k, v in (data.get("tags") or {}).items()},
        "audience": list(data.get("audience") or []),
        "related": list(data.get("related") or []),
        "sources": _sources(data),
        **review,
        "published": bool(data.get("published", True)),
    }


def local_from_dict(data: Dict[str, Any]) -> Dict[str, Any]:
    """Validate a local-version dict into model columns."""
    missing = [f for f in ("key", "article", "municipalities", "short_answer") if not data.get(f)]
    if missing:
        raise ContentError(f"local version {data.get('key', '?')}: missing {', '.join(missing)}")
    mode = str(data.get("mode") or "replace")
    if mode not in ("replace", "append"):
        raise ContentError(f"local version {data['key']}: mode must be replace or append")
    review = _review_columns(data, f"local version {data['key']}")
    return {
        "key": str(data["key"]).strip(),
        "article_slug": str(data["article"]).strip(),
        "municipalities": [str(m) for m in data["municipalities"]],
        "mode": mode,
        "short_answer": str(data["short_answer"]).strip(),
        "body": str(data.get("body") or "").strip(),
        "sources": _sources(data),
        **review,
    }


def glossary_from_dict(data: Dict[str, Any]) -> Dict[str, Any]:
    if not data.get("term") or not data.get("definition"):
        raise ContentError(f"glossary entry {data!r}: needs term and definition")
    return {
        "term": str(data["term"]).strip(),
        "aliases": [str(a) for a in data.get("aliases") or []],
        "definition": str(data["definition"]).strip(),
        "article_slug": data.get("article") or None,
    }


def _upsert(session: Session, model: Any, key_field: str, values: Dict[str, Any], only_new: bool = False) -> bool:
    """Insert or update one row; returns True when something changed.

    With only_new, an existing row is left as it is (an editor may have changed it).
    """
    row = session.execute(select(model).where(getattr(model, key_field) == values[key_field])).scalar_one_or_none()
    if row is None:
        session.add(model(**values))
        return True
    if only_new:
        return False
    changed = False
    for field, value in values.items():
        if getattr(row, field) != value:
            setattr(row, field, value)
            changed = True
    return changed


def upsert_article(session: Session, data: Dict[str, Any], only_new: bool = False) -> bool:
    return _upsert(session, Article, "slug", article_from_dict(data), only_new)


def upsert_local(session: Session, data: Dict[str, Any], only_new: bool = False) -> bool:
    return _upsert(session, LocalVersion, "key", local_from_dict(data), only_new)


def _files(folder: Path) -> List[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def import_content(
    content_dir: Path = CONTENT_DIR, url: Optional[str] = None, only_new: bool = False
) -> Dict[str, int]:
    """Load every content file into the database; returns counts of changed rows.

    only_new adds what the database lacks and keeps every existing row, so the
    changes editors made in the running system survive a restart.
    """
    counts = {"articles": 0, "local": 0, "glossary": 0}
    with session_scope(url) as session:
        for path in _files(content_dir / "articles"):
            data = read_yaml(path)
            if data.get("slug") != path.stem:
                raise ContentError(f"{path}: slug must equal the file name")
            counts["articles"] += upsert_article(session, data, only_new)
        for path in _files(content_dir / "local"):
            data = read_yaml(path)
            if data.get("key") != path.stem:
                raise ContentError(f"{path}: key must equal the file name")
            counts["local"] += upsert_local(session, data, only_new)
        glossary = content_dir / "glossary.yaml"
        for entry in (read_yaml(glossary) or []) if glossary.exists() else []:
            counts["glossary"] += _upsert(session, GlossaryTerm, "term", glossary_from_dict(entry), only_new)
    return counts


def article_to_dict(row: Article) -> Dict[str, Any]:
    return {
        "slug": row.slug,
        "title": row.title,
        "category": row.category,
        "short_answer": row.short_answer,
        "body": row.body,
        "sections": dict(row.sections or {}),
        "example_questions": list(row.example_questions),
        "tags": dict(row.tags),
        "audience": list(row.audience),
        "related": list(row.related),
        "sources": list(row.sources),
        "last_checked": row.last_checked,
        "checked_by": row.checked_by,
        "review": {"status": row.review_status, "note": row.review_note},
        "published": row.published,
    }


def local_to_dict(row: LocalVersion) -> Dict[str, Any]:
    return {
        "key": row.key,
        "article": row.article_slug,
        "municipalities": list(row.municipalities),
        "mode": row.mode,
        "short_answer": row.short_answer,
        "body": row.body,
        "sources": list(row.sources),
        "last_checked": row.last_checked,
        "checked_by": row.checked_by,
        "review": {"status": row.review_status, "note": row.review_note},
    }


def glossary_to_dict(row: GlossaryTerm) -> Dict[str, Any]:
    return {"term": row.term, "aliases": list(row.aliases), "definition": row.definition, "article": row.article_slug}


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def export_content(target: Path, url: Optional[str] = None) -> Dict[str, int]:
    """Write the database's content to TARGET in the import layout."""
    (target / "articles").mkdir(parents=True, exist_ok=True)
    (target / "local").mkdir(parents=True, exist_ok=True)
    with session_scope(url) as session:
        articles = session.execute(select(Article).order_by(Article.slug)).scalars().all()
        locals_ = session.execute(select(LocalVersion).order_by(LocalVersion.key)).scalars().all()
        terms = session.execute(select(GlossaryTerm).order_by(GlossaryTerm.term)).scalars().all()
        for row in articles:
            (target / "articles" / f"{row.slug}.yaml").write_text(dump_yaml(article_to_dict(row)), encoding="utf-8")
        for row in locals_:
            (target / "local" / f"{row.key}.yaml").write_text(dump_yaml(local_to_dict(row)), encoding="utf-8")
        (target / "glossary.yaml").write_text(dump_yaml([glossary_to_dict(t) for t in terms]), encoding="utf-8")
        return {"articles": len(articles), "local": len(locals_), "glossary": len(terms)}


def main(argv: Optional[Iterable[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("dir", nargs="?", type=Path, default=CONTENT_DIR)
    imp.add_argument("--only-new", action="store_true", help="add missing content only; keep what editors changed")
    exp = sub.add_parser("export")
    exp.add_argument("dir", type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "import":
        print("imported (changed rows):", import_content(args.dir, only_new=args.only_new))
    else:
        print("exported:", export_content(args.dir))


if __name__ == "__main__":
    main()
