"""Mask personal data before anything is stored or logged.

What a parent types may hold a BSN, a phone number, an e-mail address, an IBAN
or a postcode with house number. Transcripts of handoff tickets and every log
line that mentions a message keep only the masked text.
"""

from __future__ import annotations

import re
from typing import List, Tuple

_PATTERNS: List[Tuple[str, re.Pattern]] = [
    ("[e-mail]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[iban]", re.compile(r"\b[A-Z]{2}\d{2}\s?[A-Z]{4}(?:\s?\d){10}\b", re.IGNORECASE)),
    ("[telefoon]", re.compile(r"(?<![\w])(?:\+31|0031|0)[\s-]?(?:\(0\))?(?:\d[\s-]?){8,9}(?![\w])")),
    ("[bsn]", re.compile(r"(?<![\w])\d{3}[\s.]?\d{3}[\s.]?\d{3}(?![\w])")),
    ("[postcode]", re.compile(r"\b\d{4}\s?[A-Z]{2}(?:\s+\d+[a-z]?)?\b")),
]


def mask(text: str) -> str:
    """The text with personal data replaced by labels such as [telefoon]."""
    for label, pattern in _PATTERNS:
        text = pattern.sub(label, text)
    return text


def for_log(text: str, limit: int = 80) -> str:
    """A masked, shortened form that is safe for a log line."""
    masked = mask(text or "").replace("\n", " ")
    return masked if len(masked) <= limit else masked[:limit] + "…"
