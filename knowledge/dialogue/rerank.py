"""Use what the message names (organisation, measure, right) to order the hits.

Word similarity alone sends "mag ik het rapport van Veilig Thuis lezen?" to the
article about the Raad's report, because "rapport" is its strongest word. An
article whose tags name other organisations than the one the parent named is
moved down; the article about the named thing itself ("wat doet de Raad?") a
little up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, List, Sequence

from knowledge.facets import Facets, load_vocabulary
from knowledge.retrieval import Hit, Index

MISMATCH = 0.8  # score factor per named kind the article's tags do not include
# A right ("rapport", "informatie") is named in passing too often to rule articles out.
PENALISED = ("organisation", "measure")
HOME_BONUS = 0.15  # the article about the named value itself ...
HOME_MAX_WORDS = 4  # ... in a short question that names nothing else ("wat doet de Raad?")


def rerank(index: Index, hits: Sequence[Hit], facets: Facets, n_words: int) -> List[Hit]:
    named: Dict[str, List[str]] = facets.topical
    if not named:
        return list(hits)
    vocab = load_vocabulary()
    homes = {
        v.article
        for kind, values in named.items()
        for name in values
        if (v := vocab.value(kind, name)) is not None and v.article
    }
    top = {h.slug for h in hits[:3]}
    home = next(iter(homes)) if len(homes) == 1 and n_words <= HOME_MAX_WORDS else None
    out = []
    for hit in hits:
        doc = index.doc(hit.slug)
        tags = dict(doc.tags) if doc else {}
        score = hit.score
        for kind in PENALISED:
            wanted = named.get(kind)
            have = tags.get(kind) or ()
            if wanted and have and not set(wanted) & set(have):
                score *= MISMATCH
        if hit.slug == home and home in top:
            score += HOME_BONUS
        out.append(replace(hit, score=round(score, 4)))
    out.sort(key=lambda h: h.score, reverse=True)
    return out
