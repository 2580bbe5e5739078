"""Message text as the safety patterns see it: folded, tokenised, typos repaired.

Typos are absorbed by chat spellings, collapsed repeated letters and fuzzy
matching of words of five letters or more against the pattern vocabulary (same
first letter, one edit - two for long words - and a rapidfuzz ratio of at least
85). Real Dutch words that merely look like a pattern word are listed under
`never_fuzzy` in the pattern file, so that e.g. "geweldig" never becomes
"geweld"; `scripts/safety_eval.py --fuzzy-check` finds them. snowballstemmer
adds a few more inflections; the results do not depend on it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any, Dict, List, Optional, Set

from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

try:  # optional: only adds extra matches for inflected forms
    import snowballstemmer
except ImportError:  # pragma: no cover - depends on the environment
    snowballstemmer = None

BOUNDARY = "|"  # between sentences
COMMA = ","  # a soft boundary: ^ and $ match next to it, gaps may pass it
_TAG_RE = re.compile(r"<[^<>]{0,300}>")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
# Letters of other scripts (Arabic, Farsi, Tigrinya, Amharic, Greek, ...) are
# transliterated with anyascii, so that a message in Arabic script does not fold
# to nothing: the trained layer then learns from its letters, and an empty
# message no longer looks the same as every other foreign one.
_LETTERISH = ("L", "M", "Cf")
_APOSTROPHE_RE = re.compile(r"['`\u2018\u2019\u00b4]")
_TOKEN_RE = re.compile(r"[a-z0-9]+|,|\.\.+(?![.!?])|[.!?;:\n\r]+")
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")
# Cyrillic, transliterated as Ukrainian is usually typed in Latin letters, so
# that "не хочу жити" reaches the same patterns as "ne khochu zhyty" (without
# this, the whole message would fold to nothing).
_CYRILLIC_LOWER = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "yi", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "yu", "я": "ya", "ы": "y", "э": "e", "ъ": "", "ё": "e",
}  # fmt: skip
_CYRILLIC = {**_CYRILLIC_LOWER, **{k.upper(): v for k, v in _CYRILLIC_LOWER.items() if k.upper() != k}}
# Letters that Unicode does not decompose into a base letter plus an accent:
# without this, Turkish "bıçak" and Polish "włamuje" would lose a letter and split.
_UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae", "Æ": "ae",
     "œ": "oe", "Œ": "oe", "ð": "d", "þ": "th", "ħ": "h", "ŀ": "l", **_CYRILLIC}
)  # fmt: skip


class Normaliser:
    """Turns a message into tokens over the pattern vocabulary.

    The vocabulary and prefixes are filled while the patterns compile; call
    `finish()` once they are complete, before the first `tokens()`."""

    def __init__(self, data: Dict[str, Any], vocab: Set[str], prefixes: Set[str]) -> None:
        settings = data.get("settings") or {}
        self.max_chars = int(settings.get("max_chars", 20000))
        self.fuzzy_cutoff = float(settings.get("fuzzy_cutoff", 85))
        self.fuzzy_min_len = int(settings.get("fuzzy_min_length", 5))
        self.spellings: Dict[str, List[str]] = {
            str(k).lower(): str(v).split() for k, v in (data.get("spellings") or {}).items()
        }
        never = [str(w).lower() for w in data.get("never_fuzzy") or []]
        self.never_fuzzy = frozenset(w for w in never if not w.endswith("*"))
        self._never_prefixes = tuple(w[:-1] for w in never if w.endswith("*"))
        self.vocab = vocab
        self.prefixes = prefixes
        phrases = {" ".join(str(k).split()): str(v) for k, v in (data.get("phrases") or {}).items()}
        for phrase, repl in phrases.items():
            self.vocab.update(phrase.split())
            self.vocab.update(repl.split())
        self.phrases = phrases
        # Emoji that carry meaning (a laughing face marks a joke) become words
        # before the non-ASCII rest is dropped.
        symbols = {str(k): f" {v} " for k, v in (data.get("symbols") or {}).items() if str(k)}
        self.vocab.update(w for v in symbols.values() for w in v.split())
        self._symbols_re = (
            re.compile("|".join(map(re.escape, sorted(symbols, key=len, reverse=True)))) if symbols else None
        )
        self._symbols = symbols
        self._phrase_re = (
            re.compile("(?<= )(%s) " % "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
            if phrases
            else None
        )
        self._canon_cache: Dict[str, str] = {}
        self._fuzzy_by_first: Dict[str, List[str]] = {}
        self._fuzzy_prefixes: List[str] = []
        self._stems: Dict[str, str] = {}
        self._stemmer: Optional[Any] = None

    def finish(self) -> None:
        """Build the fuzzy indexes from the complete vocabulary."""
        fuzzy_vocab = sorted(w for w in self.vocab if len(w) >= self.fuzzy_min_len and w.isalpha())
        self._fuzzy_by_first = {}
        for w in fuzzy_vocab:
            self._fuzzy_by_first.setdefault(w[0], []).append(w)
        # typos inside compounds ("zelfmordgedachten") only for long, distinctive prefixes
        self._fuzzy_prefixes = sorted(p for p in self.prefixes if len(p) >= 9)
        self._stemmer = snowballstemmer.stemmer("dutch") if snowballstemmer else None
        self._stems = {}
        if self._stemmer:
            for w in sorted(fuzzy_vocab, key=len):
                self._stems.setdefault(self._stemmer.stemWord(w), w)
        self._canon_cache = {}

    def tokens(self, text: str) -> List[str]:
        """Normalised tokens of ``text`` with ``|`` between sentences."""
        text = text[: self.max_chars]
        text = html.unescape(_TAG_RE.sub(" ", text))
        text = _APOSTROPHE_RE.sub("", text)
        if self._symbols_re is not None:
            text = self._symbols_re.sub(lambda m: self._symbols[m.group()], text)
        text = _NON_ASCII_RE.sub(" ", fold(text))
        out: List[str] = [BOUNDARY]
        for raw in _TOKEN_RE.findall(text):
            if raw == "," or raw.startswith(".."):  # "..." is a pause, not a sentence end
                if out[-1] not in (BOUNDARY, COMMA):
                    out.append(COMMA)
                continue
            if not raw[0].isalnum():
                if out[-1] == COMMA:
                    out.pop()
                if out[-1] != BOUNDARY:
                    out.append(BOUNDARY)
                continue
            word = self._collapse(raw) if _REPEAT_RE.search(raw) else raw
            spelled = self.spellings.get(word)
            if spelled is not None:
                out.extend(spelled)
            else:
                out.append(self.canonical(word))
        if out[-1] == COMMA:
            out.pop()
        if out[-1] != BOUNDARY:
            out.append(BOUNDARY)
        if self._phrase_re is not None:
            joined = self._phrase_re.sub(lambda m: self.phrases[m.group(1)] + " ", " ".join(out) + " ")
            out = joined.split()
        return out

    def _collapse(self, word: str) -> str:
        """ "heeeelp" -> "help", "doooood" -> "dood": try two letters, then one."""
        two = _REPEAT_RE.sub(r"\1\1", word)
        one = _REPEAT_RE.sub(r"\1", word)
        for cand in (two, one):
            if cand in self.vocab or cand in self.spellings:
                return cand
        return two if self.canonical(two) != two else one

    def canonical(self, word: str) -> str:
        """Map a (misspelled or inflected) word onto the pattern vocabulary."""
        hit = self._canon_cache.get(word)
        if hit is None:
            hit = self._canonical(word)
            if len(self._canon_cache) > 100_000:
                self._canon_cache.clear()
            self._canon_cache[word] = hit
        return hit

    def _canonical(self, word: str) -> str:
        if word in self.vocab or not word.isalpha() or self._protected(word):
            return word
        n = len(word)
        if n == self.fuzzy_min_len - 1:
            # a dropped final n is the commonest chat typo: "leve", "zitte", "dode"
            cand = word + "n"
            return cand if cand in self.vocab else word
        if n < self.fuzzy_min_len or any(word.startswith(p) for p in self.prefixes):
            return word
        if self._stemmer:  # an inflection of a pattern word: same stem, nearly the same form
            stemmed = self._stems.get(self._stemmer.stemWord(word))
            if stemmed and _same_ending(word, stemmed) and fuzz.ratio(word, stemmed) >= self.fuzzy_cutoff - 5:
                return stemmed
        # a typo: same first letter, one edit (two for long words), and a high ratio
        max_edits = 1 if n < 9 else 2
        best = process.extractOne(
            word, self._fuzzy_by_first.get(word[0], ()), scorer=OSA.distance, score_cutoff=max_edits
        )
        if best and _same_ending(word, best[0]) and fuzz.ratio(word, best[0]) >= self.fuzzy_cutoff:
            return best[0]
        for prefix in self._fuzzy_prefixes:  # a typo inside a compound: "zelfmordgedachten"
            if prefix[0] == word[0]:
                for cut in (len(prefix) - 1, len(prefix), len(prefix) + 1):
                    if cut <= n and OSA.distance(word[:cut], prefix, score_cutoff=1) <= 1:
                        return prefix + word[cut:]
        return word

    def _protected(self, word: str) -> bool:
        """Listed under never_fuzzy (entries ending in * protect every word starting so)."""
        return word in self.never_fuzzy or any(word.startswith(p) for p in self._never_prefixes)


def _same_ending(word: str, cand: str) -> bool:
    """Keep infinitives and plurals apart from other forms ("wachten" is not "wacht"),
    except for a dropped final n ("zitte" -> "zitten")."""
    return word.endswith("en") == cand.endswith("en") or word + "n" == cand


def fold(word: str) -> str:
    """Lowercase without accents, as the message text is; other scripts in Latin letters."""
    text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", word.translate(_UNDECOMPOSED)))
    return _NON_ASCII_RE.sub(_transliterate, text).lower()


def _transliterate(match: "re.Match[str]") -> str:
    """Letters (and their marks) into Latin letters; emoji and other symbols stay."""
    return "".join(
        anyascii(c).replace("'", "") if unicodedata.category(c).startswith(_LETTERISH) else c for c in match.group()
    )
