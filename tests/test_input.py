from __future__ import annotations

import pytest

from knowledge.input_check import problem


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        (None, "empty"),
        ("😀😀🙏", "no_words"),
        ("?!?! ...", "no_words"),
        ("<b></b>", "empty"),
        ("\x00\x01\x02", "empty"),
        ("What does Veilig Thuis do with my children?", "other_language"),
        ("Was macht das Jugendamt mit meinem Kind? Bitte helfen", "other_language"),
        ("مرحبا، أحتاج مساعدة بخصوص أطفالي", "other_language"),
        ("Wat doet Veilig Thuis?", None),
        ("<script>alert(1)</script> wat doet de raad", None),
        ("help", None),
        ("ok", None),
        ("Wat doet Veilig Thuis? " * 500, "too_long"),
    ],
)
def test_problem(text: str, expected: str | None) -> None:
    assert problem(text) == expected
