"""Safety-signal detector for the parents' chatbot (Dutch).

Tells whether a message shows danger right now (``acute``), thoughts of
suicide or self-harm (``suicide``), abuse, violence or neglect being told
about (``disclosure``) or strong distress (``distress``).  The words and
word sequences live in ``safety_patterns.yaml`` so that editors can review
and extend them; this module only normalises the text and runs the patterns.

Design choices (the why):

* Plain Python, no model and no network: it runs inside a Rasa NLU component
  and in other services, and must answer in about a millisecond.
* Recall before precision: a helpline shown once too often costs little, a
  missed one costs a lot.  Patterns are written broadly and only cancelled by
  explicit *guards* (negation, an accusation being quoted, an information
  question) where the look-alikes are common in this chat.
* Typos are absorbed by normalisation (chat spellings, repeated letters) and
  by fuzzy matching of words of five letters or more against the pattern
  vocabulary (same first letter, one edit - two for long words - and a
  rapidfuzz ratio of at least 85).  Real Dutch words that merely look like a
  pattern word are listed under ``never_fuzzy`` so that e.g. "geweldig" never
  becomes "geweld"; ``scripts/safety_eval.py --fuzzy-check`` finds them.
  snowballstemmer, when installed, adds a few more inflections; the results
  do not depend on it.
* The message text never leaves this module: a signal carries only rule ids.
* Speed: about a millisecond for a chat message; a 20 000-character message
  (the most that is read) takes some 100-200 ms.
"""
from __future__ import annotations

import bisect
import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.safety_model import default_model

try:  # optional: only adds extra matches for inflected forms
    import snowballstemmer
except ImportError:  # pragma: no cover - depends on the environment
    snowballstemmer = None

__all__ = ["LEVELS", "PATTERNS_PATH", "PatternSet", "SafetySignal", "detect", "load_patterns", "normalise",
           "rules_fired"]

LEVELS = ("acute", "suicide", "disclosure", "distress")  # priority order, highest first
PATTERNS_PATH = Path(__file__).with_name("safety_patterns.yaml")

log = logging.getLogger(__name__)

_BOUNDARY = "|"  # between sentences
_COMMA = ","  # a soft boundary: ^ and $ match next to it, gaps may pass it
_TAG_RE = re.compile(r"<[^<>]{0,300}>")
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_APOSTROPHE_RE = re.compile(r"['`\u2018\u2019\u00b4]")
_TOKEN_RE = re.compile(r"[a-z0-9]+|,|\.\.+(?![.!?])|[.!?;:\n\r]+")
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")
_GAP_RE = re.compile(r"^(\.\.\.|~)(\d*)$")
_ATOM_RE = re.compile(r"^(@[a-z_]+|\*?[a-z0-9]+\*?)$")
_WORD = "[a-z0-9,]+ "  # a gap may pass a comma (chat punctuation is unreliable)


@dataclass(frozen=True)
class SafetySignal:
    """Result of :func:`detect`: the highest level found and the rules that fired."""

    level: Optional[str]
    rules: Tuple[str, ...] = ()

    @property
    def fired(self) -> bool:
        return self.level is not None


# --------------------------------------------------------------------------- patterns


class _Pattern:
    """One compiled token pattern plus the guards that can cancel a match."""

    __slots__ = ("regex", "guards")

    def __init__(self, regex: "re.Pattern[str]", guards: Sequence["_Guard"]):
        self.regex = regex
        self.guards = guards


class _Guard:
    """A context check; when it holds, the match it is asked about does not count.

    Parts (each a list of patterns): ``before``/``after`` look at up to
    ``window`` tokens next to the match, ``inside`` at the match itself
    (with a ``window``: only its last tokens, where the verb usually is),
    ``sentence`` at the sentence the match is in, ``message`` at the whole
    message, ``message_all`` holds when every one of its patterns is found
    somewhere in the message.  ``but_not`` lists patterns that, when found in the sentence,
    keep the guard from holding (e.g. an information question that also
    speaks about "mijn kind" is not a general question any more).
    """

    def __init__(self, name: str, spec: dict, compile_: Callable[[str], "re.Pattern[str]"]):
        self.name = name
        self.window_before = int(_part_window(spec.get("before"), 3))
        self.window_after = int(_part_window(spec.get("after"), 2))
        self.window_inside = int(_part_window(spec.get("inside"), 0))
        self.before = [compile_(p) for p in _part_patterns(spec.get("before"))]
        self.after = [compile_(p) for p in _part_patterns(spec.get("after"))]
        self.inside = [compile_(p) for p in _part_patterns(spec.get("inside"))]
        self.sentence = [compile_(p) for p in _part_patterns(spec.get("sentence"))]
        self.message = [compile_(p) for p in _part_patterns(spec.get("message"))]
        self.message_all = [compile_(p) for p in _part_patterns(spec.get("message_all"))]
        self.but_not = [compile_(p) for p in _part_patterns(spec.get("but_not"))]

    def holds(self, doc: "_Doc", start: int, end: int) -> bool:
        s0, s1 = doc.sentence_span(start)
        sentence = doc.window(s0, s1)
        if self.but_not and any(r.search(sentence) for r in self.but_not):
            return False
        if self.before:
            b0 = max(s0, start - self.window_before)
            if any(r.search(doc.window(b0, start, cut_start=b0 > s0)) for r in self.before):
                return True
        if self.after:
            a1 = min(s1, end + self.window_after)
            if any(r.search(doc.window(end, a1, cut_end=a1 < s1)) for r in self.after):
                return True
        inside_start = max(start, end - self.window_inside) if self.window_inside else start
        if self.inside and any(r.search(doc.window(inside_start, end)) for r in self.inside):
            return True
        if self.sentence and any(r.search(sentence) for r in self.sentence):
            return True
        if self.message_all and all(r.search(doc.text) for r in self.message_all):
            return True
        return bool(self.message) and any(r.search(doc.text) for r in self.message)


def _part_window(part, default: int) -> int:
    return part.get("window", default) if isinstance(part, dict) else default


def _part_patterns(part) -> List[str]:
    if part is None:
        return []
    if isinstance(part, dict):
        part = part.get("match", [])
    return [part] if isinstance(part, str) else list(part)


class _Rule:
    __slots__ = ("id", "level", "any", "all")

    def __init__(self, rule_id: str, level: str, any_: List[_Pattern], all_: List[_Pattern]):
        self.id, self.level, self.any, self.all = rule_id, level, any_, all_

    def fires(self, doc: "_Doc") -> bool:
        if self.any and any(_found(p, doc) for p in self.any):
            return True
        return bool(self.all) and all(_found(p, doc) for p in self.all)


def _found(pattern: _Pattern, doc: "_Doc") -> bool:
    for m in pattern.regex.finditer(doc.text):
        if not pattern.guards:
            return True
        start, end = doc.token_index(m.start()), doc.token_index(m.end())
        if not any(g.holds(doc, start, end) for g in pattern.guards):
            return True
    return False


class _Doc:
    """The normalised message: tokens joined by spaces, ``|`` between sentences."""

    def __init__(self, tokens: List[str]):
        self.tokens = tokens
        self.offsets: List[int] = []
        pos = 0
        for tok in tokens:
            self.offsets.append(pos)
            pos += len(tok) + 1
        self.text = " ".join(tokens) + " "

    def token_index(self, char_offset: int) -> int:
        return bisect.bisect_left(self.offsets, char_offset)

    def sentence_span(self, index: int) -> Tuple[int, int]:
        s0 = index
        while s0 > 0 and self.tokens[s0 - 1] != _BOUNDARY:
            s0 -= 1
        s1 = index
        while s1 < len(self.tokens) and self.tokens[s1] != _BOUNDARY:
            s1 += 1
        return s0, s1

    def window(self, start: int, end: int, cut_start: bool = False, cut_end: bool = False) -> str:
        """Tokens ``start:end`` as a mini-text.  ``^``/``$`` match its edges, except
        where the window was cut off inside the sentence (marked with ``_``)."""
        toks = (["_"] if cut_start else []) + self.tokens[start:end] + (["_"] if cut_end else [])
        return "| " + " ".join(toks) + (" |" if toks else "|")


class PatternSet:
    """Everything loaded from the YAML file, compiled for matching."""

    def __init__(self, data: dict):
        settings = data.get("settings") or {}
        self.max_chars = int(settings.get("max_chars", 20000))
        self.default_gap = int(settings.get("default_gap", 3))
        self.fuzzy_cutoff = float(settings.get("fuzzy_cutoff", 85))
        self.fuzzy_min_len = int(settings.get("fuzzy_min_length", 5))
        stops = settings.get("gap_stops") or []
        self._gap_stop = "(?!(?:%s) )" % "|".join(map(re.escape, stops)) if stops else ""
        self.spellings: Dict[str, List[str]] = {
            str(k).lower(): str(v).split() for k, v in (data.get("spellings") or {}).items()
        }
        never = [str(w).lower() for w in data.get("never_fuzzy") or []]
        self.never_fuzzy = frozenset(w for w in never if not w.endswith("*"))
        self._never_prefixes = tuple(w[:-1] for w in never if w.endswith("*"))
        self.lists: Dict[str, List[str]] = {k: [str(e) for e in v] for k, v in (data.get("lists") or {}).items()}
        self.vocab: set = set()
        self.prefixes: set = set()
        self._list_cache: Dict[str, str] = {}

        phrases = {" ".join(str(k).split()): str(v) for k, v in (data.get("phrases") or {}).items()}
        for phrase, repl in phrases.items():
            self.vocab.update(phrase.split())
            self.vocab.update(repl.split())
        self.phrases = phrases
        self._phrase_re = (
            re.compile("(?<= )(%s) " % "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
            if phrases else None
        )

        self.guards = {name: _Guard(name, spec or {}, lambda p: re.compile(self.compile(p))) for name, spec in (data.get("guards") or {}).items()}
        self.rules: List[_Rule] = []
        seen = set()
        for spec in data.get("rules") or []:
            rule_id, level = spec["id"], spec["level"]
            if level not in LEVELS:
                raise ValueError(f"rule {rule_id}: unknown level {level!r}")
            if rule_id in seen:
                raise ValueError(f"rule {rule_id}: duplicate id")
            seen.add(rule_id)
            try:
                guards = [self.guards[g] for g in spec.get("unless") or []]
            except KeyError as exc:
                raise ValueError(f"rule {rule_id}: unknown guard {exc}") from None
            any_ = [_Pattern(re.compile(self.compile(p)), guards) for p in _as_list(spec.get("match"))]
            all_ = [_Pattern(re.compile(self.compile(p)), guards) for p in _as_list(spec.get("all"))]
            if not any_ and not all_:
                raise ValueError(f"rule {rule_id}: needs 'match' or 'all'")
            self.rules.append(_Rule(rule_id, level, any_, all_))
        self.rules.sort(key=lambda r: LEVELS.index(r.level))  # stable: file order within a level

        self._fuzzy_vocab = sorted(w for w in self.vocab if len(w) >= self.fuzzy_min_len and w.isalpha())
        self._fuzzy_by_first: Dict[str, List[str]] = {}
        for w in self._fuzzy_vocab:
            self._fuzzy_by_first.setdefault(w[0], []).append(w)
        # typos inside compounds ("zelfmordgedachten") only for long, distinctive prefixes
        self._fuzzy_prefixes = sorted(p for p in self.prefixes if len(p) >= 9)
        self._stemmer = snowballstemmer.stemmer("dutch") if snowballstemmer else None
        self._stems: Dict[str, str] = {}
        if self._stemmer:
            for w in sorted(self._fuzzy_vocab, key=len):
                self._stems.setdefault(self._stemmer.stemWord(w), w)
        self._canon_cache: Dict[str, str] = {}

    # -- pattern language --------------------------------------------------------
    def compile(self, pattern: str, _depth: int = 0) -> str:
        """Turn one pattern line into a regular expression over the normalised text.

        Syntax, elements separated by spaces:
        ``word`` a word (typos and inflections are matched by normalisation),
        ``pre*`` / ``*end`` any word starting / ending so, ``@name`` any entry of a list,
        ``a|b|@c`` alternatives of one element, ``(a b|c)`` alternatives of
        several words, a trailing ``?`` makes an element or group optional,
        ``...`` / ``...N`` up to 3 / N other words that do not start a new
        clause (see ``settings.gap_stops``), ``~N`` up to N words of any kind,
        ``^`` / ``$`` start / end of the sentence or of a part between commas.
        """
        return "(?<= )" + self._sequence(pattern, _depth)

    def _sequence(self, pattern: str, depth: int) -> str:
        if depth > 8:
            raise ValueError(f"lists or groups nested too deep near {pattern!r}")
        parts: List[str] = []
        elements = _split_elements(pattern)
        for here, after in zip(elements, elements[1:]):
            if "|" in here and not here.startswith("(") and not _GAP_RE.match(after) and after not in "^$":
                raise ValueError(f"ambiguous {here} {after!r} in {pattern!r}: write ({here}) {after} "
                                 f"or ({here} {after}) - see the pattern language")
        for element in elements:
            optional = len(element) > 1 and element.endswith("?")
            if optional:
                element = element[:-1]
            if element.startswith("(") and element.endswith(")"):
                alts = [self._sequence(a, depth + 1) for a in _split_top(element[1:-1], "|")]
                parts.append("(?:%s)%s" % ("|".join(alts), "?" if optional else ""))
                continue
            gap = _GAP_RE.match(element)
            if gap:
                n = int(gap.group(2) or self.default_gap)
                stop = self._gap_stop if gap.group(1) == "..." else ""
                parts.append("(?:%s%s){0,%d}?" % (stop, _WORD, n))  # lazy: the shortest match, so guards see less
            else:  # a|b|@c, where an alternative may itself be a (group)
                alts = [self._sequence(a, depth + 1) if a.startswith("(") else self._atom(a, depth)
                        for a in _split_top(element, "|") if a]
                parts.append("(?:%s)%s" % ("|".join(alts), "?" if optional else ""))
        return "".join(parts)

    def _atom(self, atom: str, depth: int) -> str:
        if atom == "^":
            return r"(?:(?<=\| )|(?<=, ))"
        if atom == "$":
            return r"(?=[|,])"
        atom = _fold(atom)  # editors may write "suïcide" or "Veilig": the text is folded the same way
        if not _ATOM_RE.match(atom):
            raise ValueError(f"bad pattern element {atom!r} (use (a b|c) for alternatives of several words)")
        if atom.startswith("@"):
            name = atom[1:]
            if name not in self._list_cache:
                if name not in self.lists:
                    raise ValueError(f"unknown list @{name}")
                self._list_cache[name] = "(?:%s)" % "|".join(
                    self._sequence(e, depth + 1) for e in self.lists[name]
                )
            return self._list_cache[name]
        if atom.endswith("*"):
            stem = atom[:-1].lower()
            self.prefixes.add(stem)
            return re.escape(stem) + "[a-z0-9]* "
        if atom.startswith("*"):
            return "[a-z0-9]*" + re.escape(atom[1:].lower()) + " "
        word = atom.lower()
        self.vocab.add(word)
        return re.escape(word) + " "

    # -- normalisation -------------------------------------------------------------
    def tokens(self, text: str) -> List[str]:
        """Normalised tokens of ``text`` with ``|`` between sentences."""
        text = text[: self.max_chars]
        text = html.unescape(_TAG_RE.sub(" ", text))
        text = _APOSTROPHE_RE.sub("", text)
        text = unicodedata.normalize("NFKD", text)
        text = _NON_ASCII_RE.sub(" ", _COMBINING_RE.sub("", text)).lower()
        out: List[str] = [_BOUNDARY]
        for raw in _TOKEN_RE.findall(text):
            if raw == "," or raw.startswith(".."):  # "..." is a pause, not a sentence end
                if out[-1] not in (_BOUNDARY, _COMMA):
                    out.append(_COMMA)
                continue
            if not raw[0].isalnum():
                if out[-1] == _COMMA:
                    out.pop()
                if out[-1] != _BOUNDARY:
                    out.append(_BOUNDARY)
                continue
            word = self._collapse(raw) if _REPEAT_RE.search(raw) else raw
            spelled = self.spellings.get(word)
            if spelled is not None:
                out.extend(spelled)
            else:
                out.append(self.canonical(word))
        if out[-1] == _COMMA:
            out.pop()
        if out[-1] != _BOUNDARY:
            out.append(_BOUNDARY)
        if self._phrase_re is not None:
            joined = self._phrase_re.sub(lambda m: self.phrases[m.group(1)] + " ", " ".join(out) + " ")
            out = joined.split()
        return out

    def _collapse(self, word: str) -> str:
        """"heeeelp" -> "help", "doooood" -> "dood": try two letters, then one."""
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
        best = process.extractOne(word, self._fuzzy_by_first.get(word[0], ()), scorer=OSA.distance,
                                  score_cutoff=max_edits)
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

    def doc(self, text: str) -> _Doc:
        return _Doc(self.tokens(text))


def _same_ending(word: str, cand: str) -> bool:
    """Keep infinitives and plurals apart from other forms ("wachten" is not "wacht"),
    except for a dropped final n ("zitte" -> "zitten")."""
    return word.endswith("en") == cand.endswith("en") or word + "n" == cand


def _fold(word: str) -> str:
    """Lowercase without accents, as the message text is."""
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", word)).lower()


def _split_top(text: str, sep: str) -> List[str]:
    """Split on ``sep`` outside parentheses."""
    out, depth, cur = [], 0, []
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth:
        raise ValueError(f"unbalanced parentheses in {text!r}")
    out.append("".join(cur))
    return out


def _split_elements(pattern: str) -> List[str]:
    """Pattern elements: words separated by spaces, a (group) counts as one."""
    return [e for e in _split_top(pattern.replace("\t", " "), " ") if e.strip()]


def _as_list(value) -> List[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


# --------------------------------------------------------------------------- public API


@lru_cache(maxsize=8)
def load_patterns(path: Union[str, Path, None] = None) -> PatternSet:
    """Load and compile the pattern file (cached; pass a path to test another file)."""
    with open(path or PATTERNS_PATH, encoding="utf-8") as fh:
        return PatternSet(yaml.safe_load(fh) or {})


def normalise(text: str, patterns: Optional[PatternSet] = None) -> str:
    """The text as the patterns see it (for debugging and for editors)."""
    return " ".join(t for t in (patterns or load_patterns()).tokens(str(text)))


def rules_fired(text: str, patterns: Optional[PatternSet] = None) -> List[Tuple[str, str]]:
    """All (level, rule id) pairs that fire on ``text``, highest level first."""
    ps = patterns or load_patterns()
    doc = ps.doc(text)
    return [(r.level, r.id) for r in ps.rules if r.fires(doc)]


def detect(text: str) -> SafetySignal:
    """Detect a safety signal in one chat message; never raises.

    Two layers: the pattern rules, and the trained model of
    knowledge/safety_model.py for phrasings no rule foresaw. The most serious
    level either of them finds wins. If one layer fails (a broken pattern file),
    the other still answers.
    """
    if not isinstance(text, str) or not text.strip():
        return SafetySignal(None, ())
    found: List[Tuple[str, str]] = []
    try:
        found += rules_fired(text)
    except Exception:  # a broken pattern file must not break the chat
        log.exception("safety patterns failed; the trained layer still runs")
    try:
        level = default_model().level(text)
        if level:
            found.append((level, f"{level}.model"))
    except Exception:
        log.exception("safety model failed; the pattern layer still runs")
    if not found:
        return SafetySignal(None, ())
    found.sort(key=lambda pair: LEVELS.index(pair[0]))
    return SafetySignal(found[0][0], tuple(rule_id for _, rule_id in found))
