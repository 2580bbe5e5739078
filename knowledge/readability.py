"""Readability of Dutch text: the Flesch–Douma score (textstat, language "nl").

60 and above reads as "fairly easy", the level of B1 texts such as the
government's own plain-language pages; the content tests and the editor use
the same limit.
"""

from __future__ import annotations

import textstat

LIMIT = 60.0


def flesch_douma(text: str) -> float:
    textstat.set_lang("nl")
    return float(textstat.flesch_reading_ease(text))


def warnings(short_answer: str) -> list[str]:
    """Dutch hints for an editor when a short answer is hard to read."""
    score = flesch_douma(short_answer)
    found = []
    if score < LIMIT:
        found.append(
            f"De korte tekst is moeilijk te lezen (score {score:.0f}, streef naar {LIMIT:.0f} "
            "of hoger). Maak zinnen korter en kies kortere woorden."
        )
    if len(short_answer.split()) > 75:
        found.append("De korte tekst is te lang voor een chatbericht (meer dan 75 woorden).")
    return found
