"""Masking personal data before transcripts are stored (knowledge/masking.py):
what must go, and the ordinary text (deadlines, years, helplines) that must stay."""

from __future__ import annotations

import pytest

from knowledge.masking import for_log, mask


@pytest.mark.parametrize(
    "text,hidden,label",
    [
        # dates of birth, in the forms parents type them
        ("mijn zoon is geboren op 3 april 2015", "3 april 2015", "[geboortedatum]"),
        ("geboortedatum: 03-04-2015", "03-04-2015", "[geboortedatum]"),
        ("geb. 3/4/15, en hij woont bij mij", "3/4/15", "[geboortedatum]"),
        ("Geboren 2015-04-03 in Utrecht", "2015-04-03", "[geboortedatum]"),
        ("ze is op 12 mei 2019 geboren", "12 mei 2019", "[geboortedatum]"),
        # names after the words that introduce one
        ("ik heet Jan de Vries en ik heb een vraag", "Jan de Vries", "[naam]"),
        ("ik heet jan de vries en ik heb een vraag", "jan de vries", "[naam]"),
        ("Mijn naam is Fatima El Amrani.", "Fatima El Amrani", "[naam]"),
        ("mijn naam is sanne", "sanne", "[naam]"),
        ("Ik ben Anna, de moeder van twee kinderen", "Anna", "[naam]"),
        ("mijn dochter heet lisa en is 7", "lisa", "[naam]"),
        ("mijn zoon Daan wordt uit huis geplaatst", "Daan", "[naam]"),
        # postcodes in any case, with or without house number
        ("ik woon op 3811 ab 12", "3811 ab", "[postcode]"),
        ("postcode 3811ab", "3811ab", "[postcode]"),
        ("3811 AB Amersfoort", "3811 AB", "[postcode]"),
        # landlines with spaces, brackets and dashes; mobile; foreign numbers
        ("bel 033 123 45 67 maar", "033 123 45 67", "[telefoon]"),
        ("mijn nummer is (033) 465 12 34", "465 12 34", "[telefoon]"),
        ("020 - 123 4567 overdag", "123 4567", "[telefoon]"),
        ("06 12 34 56 78", "12 34 56 78", "[telefoon]"),
        ("mijn moeder: +32 470 12 34 56", "470 12 34 56", "[telefoon]"),
        ("of 0049 30 1234567", "1234567", "[telefoon]"),
        ("+31 (0)6 1234 5678", "1234 5678", "[telefoon]"),
        # IBANs with spaces, dashes, lower case, and foreign ones
        ("rekening NL91 ABNA 0417 1643 00 graag", "0417 1643", "[iban]"),
        ("NL91-ABNA-0417-1643-00", "0417-1643", "[iban]"),
        ("nl91abna0417164300", "0417164300", "[iban]"),
        ("BE68 5390 0754 7034", "5390 0754", "[iban]"),
        # BSN, e-mail
        ("bsn 123.456.782", "123.456.782", "[bsn]"),
        ("mail jan.jansen@example.nl", "jan.jansen@example.nl", "[e-mail]"),
    ],
)
def test_personal_data_is_masked(text: str, hidden: str, label: str) -> None:
    masked = mask(text)
    assert hidden not in masked, masked
    assert label in masked, masked


@pytest.mark.parametrize(
    "text",
    [
        # deadlines: the date matters to the parent and to staff, and identifies nobody
        "Ik kreeg de beschikking op 3 november, wanneer moet ik in hoger beroep?",
        "De zitting is op 12-10-2024 om 10.00 uur.",
        "De uitspraak was 1 maart; hoeveel weken heb ik nog?",
        # years and numbers followed by a short word are not postcodes
        "In 2023 is mijn zoon uit huis geplaatst en in 2024 en 2025 ook.",
        "Sinds 2019 op de wachtlijst, al 1500 dagen.",
        # helplines stay readable
        "Bel Veilig Thuis 0800-2000, 113 of 0800-0113, of 112.",
        # 'ik ben' + an ordinary word, 'hoe heet' questions, shouting
        "ik ben bang dat ze mijn kind meenemen",
        "Ik ben de moeder en ik ben het er niet mee eens.",
        "Hoe heet die instantie ook alweer?",
        "IK BEN BOOS",
        "Wat doet de Raad voor de Kinderbescherming?",
        "Wat is een OTS en hoe lang duurt die?",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert mask(text) == text


def test_staff_keep_their_own_first_name() -> None:
    assert mask("Hoi, ik ben Anna.", names=False) == "Hoi, ik ben Anna."
    assert mask("Hoi, ik ben Anna. Bel 033 123 45 67", names=False) == "Hoi, ik ben Anna. Bel [telefoon]"


def test_one_message_with_everything() -> None:
    text = (
        "ik heet Jan Jansen, geboren 3-4-1985, woon op 3811 ab 12, bel 033 123 45 67 of +32 470 12 34 56, "
        "iban NL91-ABNA-0417-1643-00, bsn 123456782. De zitting is op 3 november."
    )
    masked = mask(text)
    for label in ("[naam]", "[geboortedatum]", "[postcode]", "[telefoon]", "[iban]", "[bsn]"):
        assert label in masked, masked
    assert not any(ch.isdigit() for ch in masked.split("De zitting")[0]), masked
    assert masked.endswith("De zitting is op 3 november.")


def test_log_form_is_masked_and_short() -> None:
    line = for_log("ik heet Jan\nbel 0612345678 " + "x" * 200)
    assert "Jan" not in line and "0612345678" not in line and "\n" not in line
    assert len(line) <= 81
