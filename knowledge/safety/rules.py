"""The safety rules of content/safety_patterns.yaml: guards, rules, and which fire.

Recall before precision: patterns are written broadly and only cancelled by
explicit *guards* (negation, an accusation being quoted, an information
question) where the look-alikes are common in this chat. A signal carries only
rule ids, never the message text. Speed: about a millisecond for a chat message.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import yaml

from knowledge.config import CONTENT_DIR
from knowledge.safety.levels import LEVELS
from knowledge.safety.normalise import BOUNDARY as _BOUNDARY
from knowledge.safety.normalise import Normaliser
from knowledge.safety.patterns import PatternLanguage, _as_list

PATTERNS_PATH = CONTENT_DIR / "safety_patterns.yaml"


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
        return self.holds_in_message(doc)

    def holds_in_message(self, doc: "_Doc") -> bool:
        """The message-wide parts only (for the model veto, which has no match to look around)."""
        if self.message_all and all(r.search(doc.text) for r in self.message_all):
            return True
        return bool(self.message) and any(r.search(doc.text) for r in self.message)


def _part_window(part: Any, default: int) -> int:
    return part.get("window", default) if isinstance(part, dict) else default


def _part_patterns(part: Any) -> List[str]:
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
    """Everything loaded from the pattern file, compiled for matching."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.language = PatternLanguage(data)
        self.normaliser = Normaliser(data, self.language.vocab, self.language.prefixes)
        regex = self.language.regex
        self.guards = {name: _Guard(name, spec or {}, regex) for name, spec in (data.get("guards") or {}).items()}
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
            any_ = [_Pattern(regex(p), guards) for p in _as_list(spec.get("match"))]
            all_ = [_Pattern(regex(p), guards) for p in _as_list(spec.get("all"))]
            if not any_ and not all_:
                raise ValueError(f"rule {rule_id}: needs 'match' or 'all'")
            self.rules.append(_Rule(rule_id, level, any_, all_))
        self.rules.sort(key=lambda r: LEVELS.index(r.level))  # stable: file order within a level
        # model_veto: {guard: [levels]} - when no rule fires and the guard holds for the whole
        # message, the trained layer may not raise those levels (a laugh marker and acute danger).
        self.model_veto: List[Tuple[_Guard, Tuple[str, ...]]] = []
        for name, levels in (data.get("model_veto") or {}).items():
            guard = self.guards.get(name)
            if guard is None or not (guard.message or guard.message_all):
                raise ValueError(f"model_veto: {name!r} must be a guard with a message part")
            bad = [lv for lv in levels if lv not in LEVELS]
            if bad:
                raise ValueError(f"model_veto {name}: unknown level {bad[0]!r}")
            self.model_veto.append((guard, tuple(levels)))
        self.normaliser.finish()

    def compile(self, pattern: str) -> str:
        return self.language.compile(pattern)

    def tokens(self, text: str) -> List[str]:
        return self.normaliser.tokens(text)

    def doc(self, text: str) -> "_Doc":
        return _Doc(self.tokens(text))


def load_patterns(path: Union[str, Path, None] = None) -> PatternSet:
    """Load and compile the pattern file (cached; pass a path to test another file).

    A file that fails to load fails the same way on every later call, without
    being read again: lru_cache keeps no exceptions, and re-parsing a broken file
    for every message would make the chat slow exactly when it is degraded."""
    loaded = _load_patterns(path)
    if isinstance(loaded, str):  # a fresh exception each time: re-raising one object grows its traceback
        raise ValueError(loaded)
    return loaded


@lru_cache(maxsize=8)
def _load_patterns(path: Union[str, Path, None]) -> Union[PatternSet, str]:
    """The compiled patterns, or why the file could not be loaded."""
    try:
        with open(path or PATTERNS_PATH, encoding="utf-8") as fh:
            return PatternSet(yaml.safe_load(fh) or {})
    except Exception as exc:  # noqa: BLE001 - reported by load_patterns
        return f"the safety pattern file could not be loaded: {type(exc).__name__}: {exc}"


def normalise(text: str, patterns: Optional[PatternSet] = None) -> str:
    """The text as the patterns see it (for debugging and for editors)."""
    return " ".join(t for t in (patterns or load_patterns()).tokens(str(text)))


def rules_fired(text: str, patterns: Optional[PatternSet] = None) -> List[Tuple[str, str]]:
    """All (level, rule id) pairs that fire on `text`, highest level first."""
    return assess_rules(text, patterns)[0]


def assess_rules(text: str, patterns: Optional[PatternSet] = None) -> Tuple[List[Tuple[str, str]], Set[str]]:
    """(the rules that fire, the levels the trained layer may not raise for this message).

    The second part is empty when a rule fires: the veto is for the model's own guesses."""
    ps = patterns or load_patterns()
    doc = ps.doc(text)
    fired = [(r.level, r.id) for r in ps.rules if r.fires(doc)]
    vetoed: Set[str] = set()
    if not fired:
        for guard, levels in ps.model_veto:
            if guard.holds_in_message(doc):
                vetoed.update(levels)
    return fired, vetoed
