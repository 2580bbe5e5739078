"""Tests for the safety-signal detector (knowledge/safety.py)."""
from __future__ import annotations

import importlib.util
import random
import re
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from knowledge import safety  # noqa: E402
from knowledge.safety import LEVELS, SafetySignal, detect, load_patterns  # noqa: E402

DEV_SET = ROOT / "knowledge" / "content" / "safety_examples" / "written-1.tsv"


def _load_eval_module():
    """The same evaluation code that scripts/safety_eval.py runs."""
    spec = importlib.util.spec_from_file_location("safety_eval", ROOT / "scripts" / "safety_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


safety_eval = _load_eval_module()


# ------------------------------------------------------------------ the dev set


def test_dev_set_is_big_enough():
    rows, skipped = safety_eval.read_tsv(DEV_SET)
    counts = {label: sum(1 for lab, _ in rows if lab == label) for label in safety_eval.LABELS}
    assert skipped == 0
    assert len(rows) >= 350
    assert counts["acute"] >= 60 and counts["suicide"] >= 60
    assert counts["disclosure"] >= 80 and counts["distress"] >= 40 and counts["none"] >= 120


def test_dev_set_meets_targets():
    report = safety_eval.evaluate(DEV_SET)
    assert not report.failures(), safety_eval.format_report(report)


def test_report_counts_a_higher_level_as_found(tmp_path):
    f = tmp_path / "mini.tsv"
    f.write_text("disclosure\thij slaat haar nu\n"       # acute is higher: found
                 "distress\tik wil dood\n"              # any level counts for distress
                 "acute\tmijn man slaat mij\n"          # disclosure is lower: a miss
                 "none\twat is een huisverbod\n"
                 "bogus line without a tab\n", encoding="utf-8")
    report = safety_eval.evaluate(f)
    assert report.skipped == 1
    assert report.recall("disclosure") == 1.0
    assert report.recall("distress") == 1.0
    assert report.recall("acute") == 0.0
    assert report.false_alarm_rate() == 0.0
    assert any("acute recall" in failure for failure in report.failures())
    assert safety_eval.main([str(f)]) == 1


# ------------------------------------------------------------------ key examples

KEY_EXAMPLES = {
    "acute": [
        "hij slaat haar nu",
        "hij staat voor de deur met een mes",
        "help hij maakt ons dood",
        "ik ben bang dat hij vannacht terugkomt en ons iets aandoet",
        "help",
        "papa doet mama nu pijn",
    ],
    "suicide": [
        "ik wil niet meer leven",
        "ik zie het niet meer zitten",
        "wil er een eind aan maken",
        "mijn dochter snijdt zichzelf",
        "ik wil dood",
        "zelfmoord",
        "pillen innemen",
        "zelfmord",
        "ik wil nie meer leve",
        "waar kan mijn kind terecht bij zelfmoordgedachten?",
    ],
    "disclosure": [
        "mijn man slaat mij",
        "mijn ex mishandelt de kinderen",
        "mijn stiefvader zit aan me",
        "mama slaat mij elke dag",
        "we krijgen geen eten",
        "hij dreigt steeds",
        "mijn dochter vertelde dat haar vader haar slaat",
    ],
    "distress": [
        "ik kan niet meer",
        "ik ben helemaal kapot",
        "ik word gek van alles",
        "ik huil de hele dag",
        "ik ben radeloos",
    ],
}


@pytest.mark.parametrize("level,text", [(lvl, t) for lvl, texts in KEY_EXAMPLES.items() for t in texts])
def test_key_examples(level, text):
    signal = detect(text)
    assert signal.level == level, (text, signal)
    assert signal.fired


def test_nu_as_a_new_clause_is_not_right_now():
    assert detect("mijn ex sloeg mij vroeger en nu wil hij omgang").level == "disclosure"
    assert detect("hij slaat haar nu").level == "acute"


LOOK_ALIKES = [
    "wat doet Veilig Thuis bij huiselijk geweld?",
    "hoe meld ik kindermishandeling",
    "wat gebeurt er na een melding over mishandeling",
    "wat is een huisverbod",
    "in de melding staat dat ik mijn kind zou slaan",
    "ze zeggen dat ik mijn kind verwaarloos",
    "ze hebben mijn kind weggehaald",
    "mijn kind is boos",
    "ik ben het niet eens met het rapport",
    "mijn man is niet gewelddadig",
    "er is bij ons geen geweld",
    "wat is zelfmoordpreventie",
    "ik kan niet meer inloggen op de website",
    "ik lach me dood",
    "mijn telefoon is kapot",
    "hij stond gisteren voor de deur met bloemen",
    "help, hoe vul ik dit formulier in",
    "de gi dreigt met een uithuisplaatsing als ik niet meewerk",
    "mijn kind moet elke dag zijn adhd pillen innemen",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_give_no_signal(text):
    signal = detect(text)
    assert signal.level is None, (text, signal)
    assert not signal.fired and signal.rules == ()


def test_highest_level_wins_and_all_rules_are_listed():
    signal = detect("mijn man slaat mij en ik wil niet meer leven")
    assert signal.level == "suicide"
    levels = {rule.split(".")[0] for rule in signal.rules}
    assert {"suicide", "disclosure"} <= levels
    # rules come highest level first
    order = [LEVELS.index(rule.split(".")[0]) for rule in signal.rules]
    assert order == sorted(order)


def test_signal_in_the_middle_of_a_long_message():
    text = ("we zijn verhuisd en de school is goed. " * 40) + "maar mijn man slaat mij. " + ("ik heb ook een vraag over de omgang. " * 40)
    assert detect(text).level == "disclosure"


def test_rules_are_ids_not_text():
    ids = {r.id for r in load_patterns().rules} | {f"{level}.model" for level in LEVELS}
    signal = detect("mijn ex heeft een mes en zegt dat hij mij vermoordt")
    assert signal.level == "acute"
    for rule in signal.rules:
        assert rule in ids
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", rule)


# ------------------------------------------------------------------ robustness

BAD_INPUTS = [
    "", " ", "\n\n\t", "?!?!", ",,,", "...", "\x00\x01\x02\x7f", "\ud800", "🔪🔪🙏🏽", "👨‍👩‍👧",
    "<b>hij slaat me</b> &amp; &#128; <script>x</script>", "<" * 1000, "a" * 20000, "help " * 5000,
    "é" * 30000, "ÄÖÜß øæ", "1234567890" * 100, "(((", "|||", "@@@ *** ~~~", "\\x00 \\n",
    "\u202e\u200b\ufeff", "zelf" + "moord" * 3000,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_raises(text):
    signal = detect(text)
    assert isinstance(signal, SafetySignal)
    assert signal.level in LEVELS + (None,)


def test_random_strings_never_raise():
    rnd = random.Random(42)
    alphabet = "abcdefghijklmnopqrstuvwxyz .,!?'-\n\té€🔪<>&;|*@~()0123456789"
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 400)))
        assert isinstance(detect(text), SafetySignal)
    for _ in range(50):
        text = "".join(chr(rnd.randrange(1, 0x10FFFF)) for _ in range(rnd.randrange(0, 200)))
        assert isinstance(detect(text), SafetySignal)


@pytest.mark.parametrize("value", [None, 42, b"hij slaat me", ["help"], object()])
def test_non_strings_give_no_signal(value):
    assert detect(value) == SafetySignal(None, ())


def test_speed():
    rows, _ = safety_eval.read_tsv(DEV_SET)
    load_patterns()
    start = time.perf_counter()
    for _, text in rows:
        detect(text)
    per_message = (time.perf_counter() - start) / len(rows)
    assert per_message < 0.005  # typically well under 2 ms; loose bound for slow CI machines
    start = time.perf_counter()
    detect("ik heb een vraag over de omgang en de school. " * 500)
    assert time.perf_counter() - start < 2.0


# ------------------------------------------------------------------ the pattern file


def test_pattern_file_loads_and_is_cached():
    assert load_patterns() is load_patterns()
    ps = load_patterns()
    assert ps.rules and all(r.level in LEVELS for r in ps.rules)
    assert len({r.id for r in ps.rules}) == len(ps.rules)
    assert {r.level for r in ps.rules} == set(LEVELS)


def test_bad_pattern_file_is_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x.y\n    level: acute\n    match: ['hij slaat (nu|net']\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_patterns(bad)
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("rules:\n  - id: x.y\n    level: urgent\n    match: [help]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_patterns(unknown)


def test_custom_pattern_file(tmp_path):
    custom = tmp_path / "custom.yaml"
    custom.write_text(
        "lists:\n  pet: [hond, kat]\n"
        "rules:\n  - id: distress.pet\n    level: distress\n    match: ['mijn @pet ...2 weg|dood']\n",
        encoding="utf-8",
    )
    ps = load_patterns(custom)
    assert safety.rules_fired("mijn kat is weg", ps) == [("distress", "distress.pet")]
    assert safety.rules_fired("mijn hond blaft", ps) == []


def test_normalisation():
    norm = safety.normalise
    assert norm("Ik wil NIE meer LEVE!!!") == "| ik wil niet meer leven |"
    assert norm("m'n ex-man") == "| mijn ex man |"
    assert norm("heeeeelp") == "| help |"
    assert norm("Veilig Thuis") == "| veiligthuis |"
    assert "suicide" in norm("suïcide")
    assert norm("zelfmord") == "| zelfmoord |"
    # real words are not "corrected" into pattern words
    assert norm("hij slaapt") == "| hij slaapt |"
    assert norm("het gaat geweldig") == "| het gaat geweldig |"
