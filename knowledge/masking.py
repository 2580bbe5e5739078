"""Mask personal data before anything is stored or logged.

What a parent types may hold a BSN, a phone number (mobile, landline, foreign),
an e-mail address, an IBAN (any format), a postcode (any case), a date of birth
or a name. Transcripts of handoff tickets and every log line that mentions a
message keep only the masked text.

What is deliberately *not* masked, because staff need it to help and it does
not identify anyone: dates without a birth context ("de uitspraak was op
3 november", "beschikking van 12-10-2024": deadlines are computed from them),
years ("in 2023 is"), helpline numbers (112, 113, 0800-2000, 0800-0113) and
names of organisations.

Names are masked only after words that introduce one ("ik heet", "mijn naam
is", "ik ben" + a capital, "mijn zoon Daan", "mijn dochter heet lisa"), so
staff messages can keep their own first name (`names=False`).

Why regular expressions and not the `deduce` library (Dutch de-identification):
deduce 2.5 pins rapidfuzz < 3 (the project uses 3.14) and deduce 3 needs a newer
`regex` than Rasa 3.6 allows, so it cannot share this one environment.
"""

from __future__ import annotations

import re
from typing import Callable, List, Tuple, Union

_Replacement = Union[str, Callable[["re.Match[str]"], str]]

_MONTHS = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    r"|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}[-/. ]\d{{1,2}}[-/. ](?:19|20)?\d{{2}}"
    rf"|\d{{1,2}}\s+{_MONTHS}(?:\s+(?:19|20)\d{{2}})?"
    rf"|(?:19|20)\d{{2}}-\d{{2}}-\d{{2}})"
)
_BIRTH_BEFORE = (
    r"\b(?:geboren|geboortedatum|geb\.?|geboorte|verjaardag|jarig)(?!\w)(?:\s*(?:is|op|:|was|van|de|het))*\s*"
)

# Dutch two-letter words that follow a number: "in 2023 is", "om 1500 uur": not a postcode.
_NOT_POSTCODE_LETTERS = {
    "al", "am", "as", "at", "be", "bv", "da", "de", "do", "en", "er", "ga", "ha", "he", "hé", "ie", "ik",
    "in", "is", "ja", "je", "ma", "me", "mn", "na", "ni", "no", "nu", "of", "oh", "ok", "om", "on", "oo",
    "op", "pm", "sa", "sd", "ss", "te", "to", "tv", "uw", "va", "vd", "vr", "wo", "za", "ze", "zo", "zu",
}  # fmt: skip
_NAME_STOP = {
    "al", "alleen", "bang", "best", "blij", "boos", "dat", "de", "die", "dit", "een", "eigenlijk", "er", "het",
    "hier", "hij", "ik", "je", "jij", "maar", "mijn", "moe", "nog", "niet", "nu", "ook", "op", "u", "van",
    "wel", "ze", "zij", "zo", "zelf", "en", "of", "want", "dus", "is", "was", "heel", "erg", "echt", "ben",
    "daar", "toen", "sinds", "veilig", "bij", "met", "in", "voor", "naar", "geen", "hoe", "wat", "wie",
}  # fmt: skip
_INFIX = r"(?:van der|van den|van de|van|de|der|den|ter|ten|te|in 't|'t|el|al|le|la|du|da|di|op de)"
_WORD = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'-]*"
_CAP = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'-]*"


def _postcode(match: "re.Match[str]") -> str:
    letters = match.group("letters")
    spaced = bool(match.group("space"))
    if letters.isupper() or not spaced or letters.casefold() not in _NOT_POSTCODE_LETTERS:
        return "[postcode]"
    return match.group(0)


def _name_tail(match: "re.Match[str]") -> str:
    """Keep the introducing words, mask the name; leave ordinary words alone."""
    intro, first = match.group("intro"), match.group("first")
    if first.casefold() in _NAME_STOP:
        return match.group(0)
    return f"{intro}[naam]"


def _capitalised_name(match: "re.Match[str]") -> str:
    intro, first = match.group("intro"), match.group("first")
    if first.casefold() in _NAME_STOP or (len(first) > 1 and first.isupper()):  # "ik ben BOOS" is shouting
        return match.group(0)
    return f"{intro}[naam]"


# A name: a first word, then infixes with a word ("de vries") or further capitalised words.
_NAME_ANY = rf"(?P<first>{_WORD})(?:\s+{_INFIX}\s+{_WORD}|\s+{_CAP})*"
_NAME_CAP = rf"(?P<first>{_CAP})(?:\s+{_INFIX}\s+{_WORD}|\s+{_CAP})*"
_RELATIVE = r"(?:zoon|zoontje|dochter|dochtertje|kind|kindje|baby|man|vrouw|ex|partner|vriend|vriendin|broer|zus)"

_PATTERNS: List[Tuple[str, "re.Pattern[str]", _Replacement]] = [
    ("e-mail", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    # Dutch IBAN in any format: NL91ABNA0417164300, NL91 ABNA 0417 1643 00, nl91-abna-...
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}[ .-]?[A-Z]{4}(?:[ .-]?\d){10}\b", re.IGNORECASE), "[iban]"),
    # Foreign IBANs are digits after the country: BE68 5390 0754 7034, DE89-3704-0044-0532-0130-00
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ .-]?\d{4}){2,7}(?:[ .-]?\d{1,3})?\b", re.IGNORECASE), "[iban]"),
    ("geboortedatum", re.compile(rf"(?P<intro>{_BIRTH_BEFORE}){_DATE}", re.IGNORECASE), r"\g<intro>[geboortedatum]"),
    (
        "geboortedatum",
        re.compile(rf"\b{_DATE}(?P<after>\s+(?:geboren|jarig)\b)", re.IGNORECASE),
        r"[geboortedatum]\g<after>",
    ),
    # Foreign numbers: +32 470 12 34 56, 0049 30 1234567 (not +31: the Dutch rule below).
    ("telefoon", re.compile(r"(?<![\w+])(?:\+|00)(?!31)[1-9]\d{0,2}(?:[\s.-]?\(?\d+\)?){2,6}(?![\w])"), "[telefoon]"),
    # Dutch mobile and landline: 06-12345678, +31 6 1234 5678, 033 123 45 67, 020 - 123 4567, (033) 465 12 34
    (
        "telefoon",
        re.compile(r"(?<![\w+])(?:\+31|0031|0)[\s.-]*(?:\(0\)[\s.-]*)?(?:\d[\s.-]{0,3}){8,9}(?![\w])"),
        "[telefoon]",
    ),
    ("telefoon", re.compile(r"\(0\d{1,3}\)[\s.-]*(?:\d[\s.-]?){5,8}(?![\w])"), "[telefoon]"),
    ("bsn", re.compile(r"(?<![\w])\d{3}[\s.-]?\d{3}[\s.-]?\d{3}(?![\w])"), "[bsn]"),
    (
        "postcode",
        re.compile(
            r"\b[1-9]\d{3}(?P<space>\s?)(?P<letters>[A-Za-z]{2})\b(?P<house>\s+\d+(?:\s?[a-zA-Z]\b)?(?:-\d+)?)?"
        ),
        _postcode,
    ),
]

_NAME_PATTERNS: List[Tuple[str, "re.Pattern[str]", _Replacement]] = [
    # "ik heet jan de vries", "mijn naam is Jan", "naam: Jan", "mijn dochter heet lisa"
    (
        "naam",
        re.compile(
            rf"(?P<intro>\b(?i:ik\s+heet|(?:mijn|onze|m'n|mn)\s+(?:(?:voor|achter)?naam|{_RELATIVE})\s+(?:is|heet)"
            rf"|(?:voor|achter)?naam\s*:|{_RELATIVE}\s+heet)\s+){_NAME_ANY}"
        ),
        _name_tail,
    ),
    # "Ik ben Anna", "mijn zoon Daan": only a capitalised word is a name here
    ("naam", re.compile(rf"(?P<intro>\b[Ii]k\s+ben\s+){_NAME_CAP}"), _capitalised_name),
    ("naam", re.compile(rf"(?P<intro>\b(?:[Mm]ijn|[Oo]nze|[Mm]'n)\s+{_RELATIVE}\s+){_NAME_CAP}"), _capitalised_name),
]


def mask(text: str, names: bool = True) -> str:
    """The text with personal data replaced by labels such as [telefoon].

    NAMES=False keeps names (for a staff member's own "Hoi, ik ben Anna")."""
    patterns = _PATTERNS + (_NAME_PATTERNS if names else [])
    for _label, pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


def for_log(text: str, limit: int = 80) -> str:
    """A masked, shortened form that is safe for a log line."""
    masked = mask(text or "").replace("\n", " ")
    return masked if len(masked) <= limit else masked[:limit] + "…"
