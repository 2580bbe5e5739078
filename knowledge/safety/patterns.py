"""The pattern language of the safety rules, compiled to regular expressions.

A pattern line is matched against the normalised message (see normalise.py):
tokens separated by spaces, `|` between sentences. The syntax is documented
in `PatternLanguage.compile`.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Set

from knowledge.safety.normalise import fold as _fold

_GAP_RE = re.compile(r"^(\.\.\.|~)(\d*)$")
_ATOM_RE = re.compile(r"^(@[a-z_]+|\*?[a-z0-9]+\*?)$")
_WORD = "[a-z0-9,]+ "  # a gap may pass a comma (chat punctuation is unreliable)


class PatternLanguage:
    """Compiles pattern lines; records every word and prefix used (for fuzzy matching)."""

    def __init__(self, data: Dict[str, Any]) -> None:
        settings = data.get("settings") or {}
        self.default_gap = int(settings.get("default_gap", 3))
        stops = settings.get("gap_stops") or []
        self._gap_stop = "(?!(?:%s) )" % "|".join(map(re.escape, stops)) if stops else ""
        self.lists: Dict[str, List[str]] = {k: [str(e) for e in v] for k, v in (data.get("lists") or {}).items()}
        self.vocab: Set[str] = set()
        self.prefixes: Set[str] = set()
        self._list_cache: Dict[str, str] = {}

    def regex(self, pattern: str) -> "re.Pattern[str]":
        return re.compile(self.compile(pattern))

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
        for here, after in zip(elements, elements[1:], strict=False):
            if "|" in here and not here.startswith("(") and not _GAP_RE.match(after) and after not in "^$":
                raise ValueError(
                    f"ambiguous {here} {after!r} in {pattern!r}: write ({here}) {after} "
                    f"or ({here} {after}) - see the pattern language"
                )
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
                alts = [
                    self._sequence(a, depth + 1) if a.startswith("(") else self._atom(a, depth)
                    for a in _split_top(element, "|")
                    if a
                ]
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
                self._list_cache[name] = "(?:%s)" % "|".join(self._sequence(e, depth + 1) for e in self.lists[name])
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


def _split_top(text: str, sep: str) -> List[str]:
    """Split on ``sep`` outside parentheses."""
    out: List[str] = []
    cur: List[str] = []
    depth = 0
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


def _as_list(value: Any) -> List[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]
