from __future__ import annotations

import pytest

from knowledge.municipalities import canonical_municipality, find_municipality, load_gazetteer


def test_all_municipalities_are_listed() -> None:
    assert len(set(load_gazetteer().official)) >= 340


@pytest.mark.parametrize(
    "text,expected",
    [
        ("ik woon in Almere", "Almere"),
        ("Wij wonen in amersfoort en hebben een vraag", "Amersfoort"),
        ("ik woon in Amersfort", "Amersfoort"),
        ("gemeente Súdwest-Fryslân", "Súdwest-Fryslân"),
        ("ik woon in Den Bosch", "'s-Hertogenbosch"),
        ("wat doet het wijkteam in Leeuwarden", "Leeuwarden"),
        ("wat is het beste wat ik kan doen", None),
        ("wat doet veilig thuis", None),
    ],
)
def test_find(text: str, expected: str | None) -> None:
    assert find_municipality(text) == expected


def test_canonical_spelling_from_embed() -> None:
    assert canonical_municipality("almere") == "Almere"
    assert canonical_municipality("") is None


def test_ambiguous_alias_needs_context_but_official_name_does_not() -> None:
    assert find_municipality("Horst aan de Maas") == "Horst aan de Maas"
    assert find_municipality("ik woon in Horst") == "Horst aan de Maas"
    assert find_municipality("de horst van de vogel") is None
