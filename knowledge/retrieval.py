"""Find the article that answers a parent's question, without retraining Rasa.

Two signals, averaged:
- similarity: TF-IDF cosines between the question and each article's title,
  example questions (what parents ask) and text (what it says), after Dutch
  analysis: typo repair against the known vocabulary, the domain thesaurus,
  stop words and Snowball stemming;
- a small classifier (logistic regression over character n-grams and the same
  analysed words) fitted on the titles, example questions and first sentences
  of the articles. Character n-grams make it tolerant of typos.
Both are rebuilt in about a second when the content in the database changes,
so a new or edited article is answerable at once. The combined score (0..1)
decides: answer, let the parent choose between the closest topics, or admit
that the bot does not know.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge.facets import extract
from knowledge.language import stem, stopwords, words
from knowledge.models import Article
from knowledge.thesaurus import CANON_PREFIX, Thesaurus, load_thesaurus

Vector = Dict[str, float]

# Decision thresholds, tuned on the development folds and the first held-out set
# (see README); ANSWER_MIN raised from 0.55 to 0.6 on 2026-12-03 on the 5 folds
# of the example questions (confidently wrong 2.5% -> 1.4%, the other answers
# are given as "not sure"): above ANSWER_MIN with a clear lead the bot answers; above
# TENTATIVE_MIN it answers but says it is not sure and offers the next topics;
# above CHOOSE_MIN it offers the closest topics as buttons; below it says it
# does not know.
ANSWER_MIN = 0.6
ANSWER_MARGIN = 0.15
TENTATIVE_MIN = 0.25  # below a confident answer: answer, say it is unsure, offer the others
CHOOSE_MIN = 0.10
WEIGHTS = (0.5, 0.25, 0.25)  # similarity: best question, all questions, article text
CLASSIFIER_WEIGHT = 0.5  # share of the classifier in the combined score
TEXT_SENTENCES = 6  # first sentences of an article used as extra training examples


@dataclass(frozen=True)
class ArticleDoc:
    slug: str
    title: str
    questions: Tuple[str, ...]
    text: str
    tags: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()  # (("organisation", ("gi", ...)), ...)


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    decision: str  # "answer" | "tentative" | "choose" | "unknown"
    hits: Tuple[Hit, ...]

    @property
    def best(self) -> Optional[Hit]:
        return self.hits[0] if self.hits else None


@dataclass
class _Entry:
    doc: ArticleDoc
    question_vectors: List[Vector] = field(default_factory=list)
    all_questions: Vector = field(default_factory=dict)
    text: Vector = field(default_factory=dict)


class Analyzer:
    """Turns Dutch text into index terms; knows the vocabulary for typo repair."""

    def __init__(self, thesaurus: Thesaurus, vocabulary: Iterable[str]) -> None:
        self.thesaurus = thesaurus
        self.vocabulary = sorted(set(vocabulary) | set(thesaurus.single_words))
        self._known = frozenset(self.vocabulary)
        self._repairs: Dict[str, str] = {}

    def repair(self, word: str) -> str:
        """Map an unknown word of 5+ letters to the closest known word, if close."""
        if word in self._known or len(word) < 5 or word in stopwords():
            return word
        if word not in self._repairs:
            match = process.extractOne(word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=84)
            self._repairs[word] = match[0] if match else word
        return self._repairs[word]

    def terms(self, text: str, repair: bool = True) -> List[str]:
        tokens = words(text)
        if repair:
            tokens = [self.repair(t) for t in tokens]
        tokens = self.thesaurus.expand(tokens)
        stop = stopwords()
        return [
            t if t.startswith(CANON_PREFIX) else stem(t)
            for t in tokens
            if t not in stop and (len(t) > 1 or t.isdigit())
        ]


def _tf(terms: Sequence[str]) -> Counter:
    return Counter(terms)


def _vector(counts: Counter, idf: Dict[str, float]) -> Vector:
    vec = {t: (1.0 + math.log(c)) * idf.get(t, 0.0) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


class Index:
    """An in-memory search index over a fixed set of articles."""

    def __init__(self, docs: Sequence[ArticleDoc], thesaurus: Optional[Thesaurus] = None) -> None:
        thesaurus = thesaurus or load_thesaurus()
        self.docs = {d.slug: d for d in docs}
        vocabulary = {w for d in docs for text in (d.title, d.text, *d.questions) for w in words(text)}
        self.analyzer = Analyzer(thesaurus, vocabulary)
        per_doc = []
        for doc in docs:
            questions = [self.analyzer.terms(q, repair=False) for q in (doc.title, *doc.questions)]
            text = self.analyzer.terms(f"{doc.title} {doc.text}", repair=False)
            per_doc.append((doc, questions, text))
        df: Counter = Counter()
        for _doc, questions, text in per_doc:
            df.update(set(t for q in questions for t in q) | set(text))
        n = max(len(docs), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.entries: List[_Entry] = []
        for doc, questions, text in per_doc:
            entry = _Entry(doc=doc)
            entry.question_vectors = [_vector(_tf(q), self.idf) for q in questions if q]
            entry.all_questions = _vector(_tf([t for q in questions for t in q]), self.idf)
            entry.text = _vector(_tf(text), self.idf)
            self.entries.append(entry)

        self.classifier = _fit_classifier(docs, self.analyzer)

    def doc(self, slug: str) -> Optional[ArticleDoc]:
        return self.docs.get(slug)

    def similarity(self, query: str) -> Dict[str, float]:
        qvec = _vector(_tf(self.analyzer.terms(query)), self.idf)
        if not qvec:
            return {}
        w_best, w_all, w_text = WEIGHTS
        scores = {}
        for e in self.entries:
            best = max((_cosine(qvec, v) for v in e.question_vectors), default=0.0)
            scores[e.doc.slug] = w_best * best + w_all * _cosine(qvec, e.all_questions) + w_text * _cosine(qvec, e.text)
        return scores

    def score_all(self, query: str) -> List[Hit]:
        similarity = self.similarity(query)
        if not similarity:
            return []
        probabilities = self.classifier.probabilities(query) if self.classifier else {}
        w = CLASSIFIER_WEIGHT if self.classifier else 0.0
        hits = [
            Hit(
                e.doc.slug,
                e.doc.title,
                round(w * probabilities.get(e.doc.slug, 0.0) + (1 - w) * similarity[e.doc.slug], 4),
            )
            for e in self.entries
        ]
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits

    def in_domain(self, query: str) -> bool:
        """Does the question name anything of the chain (an organisation other than
        the gemeente, a measure, a right)? "paspoort aanvragen voor mijn baby" does not."""
        named = extract(query).topical
        return any(values != ["gemeente"] for values in named.values())

    def search(self, query: str, limit: int = 3) -> SearchResult:
        hits = self.score_all(query)[: max(limit, 2)]
        return SearchResult(decide(hits, self.in_domain(query)), tuple(hits[:limit]))


class _Classifier:
    def __init__(self, features: FeatureUnion, model: LogisticRegression) -> None:
        self.features, self.model = features, model

    def probabilities(self, query: str) -> Dict[str, float]:
        row = self.model.predict_proba(self.features.transform([query]))[0]
        return dict(zip(self.model.classes_, row, strict=True))


def _first_sentences(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()][:TEXT_SENTENCES]


def _fit_classifier(docs: Sequence[ArticleDoc], analyzer: Analyzer) -> Optional[_Classifier]:
    """Fit the question classifier; None when there are fewer than two articles."""
    if len(docs) < 2:
        return None
    texts, labels = [], []
    for doc in docs:
        for text in (doc.title, *doc.questions, *_first_sentences(doc.text)):
            texts.append(text)
            labels.append(doc.slug)
    features = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)),
            ("words", TfidfVectorizer(analyzer=analyzer.terms, sublinear_tf=True)),
        ]
    )
    # one-vs-rest: ~1 s to fit. C=10 (was 20): on the 5 folds the same top-1 with fewer
    # confidently wrong answers, and the best turn accuracy on the development conversations.
    model = LogisticRegression(C=10, solver="liblinear")
    model.fit(features.fit_transform(texts), labels)
    return _Classifier(features, model)


def decide(hits: Sequence[Hit], in_domain: bool = True) -> str:
    """Answer confidently only with a clear winner; with a likely one, answer but
    say so and offer the others; otherwise let the parent choose, or admit it.
    A question that names nothing of the chain is never answered confidently."""
    if not hits or hits[0].score < CHOOSE_MIN:
        return "unknown"
    second = hits[1].score if len(hits) > 1 else 0.0
    if in_domain and hits[0].score >= ANSWER_MIN and hits[0].score - second >= ANSWER_MARGIN:
        return "answer"
    if hits[0].score >= TENTATIVE_MIN:
        return "tentative"
    return "choose"


def docs_from_db(session: Session) -> List[ArticleDoc]:
    rows = session.execute(select(Article).where(Article.published.is_(True)).order_by(Article.slug)).scalars().all()
    return [
        ArticleDoc(
            slug=r.slug,
            title=r.title,
            questions=tuple(r.example_questions),
            text=f"{r.short_answer}\n{r.body}",
            tags=tuple((k, tuple(v)) for k, v in sorted((r.tags or {}).items())),
        )
        for r in rows
    ]


def content_revision(session: Session) -> Tuple[int, str]:
    """Cheap fingerprint of the published articles: changes on every edit."""
    count, latest = session.execute(
        select(func.count(Article.id), func.max(Article.updated_at)).where(Article.published.is_(True))
    ).one()
    return int(count), str(latest)


class Retriever:
    """Keeps an index in step with the database (one per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: Optional[Tuple[int, str]] = None
        self._index: Optional[Index] = None

    def index(self, session: Session) -> Index:
        revision = content_revision(session)
        with self._lock:
            if self._index is None or revision != self._revision:
                self._index = Index(docs_from_db(session))
                self._revision = revision
            return self._index

    def current(self, session: Session) -> Index:
        """The index as it is, even if an edit made it stale (built if there is none).

        For the editor's preview, which answers with the live index anyway:
        saving a concept touches the article's row, and a rebuild (about 25 s
        on two cores) would keep the editor waiting for nothing."""
        with self._lock:
            if self._index is not None:
                return self._index
        return self.index(session)

    def search(self, session: Session, query: str, limit: int = 3) -> SearchResult:
        return self.index(session).search(query, limit)
