"""Tests for the safety-signal detector (knowledge/safety/)."""

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
from knowledge.safety.model import default_model  # noqa: E402

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
    f.write_text(
        "disclosure\thij slaat haar nu\n"  # acute is higher: found
        "distress\tik wil dood\n"  # any level counts for distress
        "acute\tmijn man slaat mij\n"  # disclosure is lower: a miss
        "none\twat is een huisverbod\n"
        "bogus line without a tab\n",
        encoding="utf-8",
    )
    report = safety_eval.evaluate(f)
    assert report.skipped == 1
    assert report.recall("disclosure") == 1.0
    assert report.recall("distress") == 1.0
    assert report.recall("acute") == 0.0
    assert report.false_alarm_rate() == 0.0
    assert any("acute recall" in failure for failure in report.failures())
    assert safety_eval.main([str(f)]) == 1


# ------------------------------------------------------------------ key examples

# Written for this test, not taken from the training files (a test below checks
# that): they test what the detector generalises to, not what it memorised.
KEY_EXAMPLES = {
    "acute": [
        "hij heeft net de deur ingetrapt en schreeuwt dat hij me gaat vermoorden",
        "kom snel hij slaat mijn zoon op dit moment",
        "mijn ex staat beneden met een mes te wachten",
        "hij heeft een pistool op tafel gelegd en zegt dat we vannacht niet overleven",
        "papa slaat mama nu heel hard, ik ben bang",
        "hij knijpt mijn keel dicht als ik iets zeg, hij is nu thuis",
    ],
    "suicide": [
        "ik wil er gewoon niet meer zijn",
        "mijn kinderen zijn vast beter af als ik er niet meer ben",
        "ik heb pillen gespaard om er een einde aan te maken",
        "mijn dochter van 15 zegt dat ze zichzelf wil doden",
        "ik heb een afscheidsbrief geschreven voor mijn kinderen",
        "ik snij mezelf weer sinds ze de kinderen hebben weggehaald",
        "ik wil zelfmoord plegen",
        "ik zie geen reden meer om te leven",
    ],
    "disclosure": [
        "mijn partner slaat me al jaren maar niemand weet het",
        "mijn oom heeft vroeger aan mij gezeten",
        "mijn moeder schopt me als ze dronken is",
        "de kinderen krijgen thuis vaak klappen van hun vader",
        "mijn zoontje zei dat de oppas hem pijn doet",
        "mijn vriend dreigt me iets aan te doen als ik wegga",
    ],
    "distress": [
        "ik weet echt niet meer hoe ik dit volhoud",
        "ik ben zo wanhopig, ik slaap al weken niet",
        "ik zit alleen nog maar te huilen",
        "ik ben op, helemaal op",
    ],
}


def _training_texts() -> set:
    """Every message the safety layers learn from, folded for comparison."""
    texts = set()
    for path in (ROOT / "knowledge" / "content" / "safety_examples").glob("*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" in line:
                texts.add(line.split("\t")[-1].strip().lower())
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                texts.add(line.strip()[2:].strip().strip('"').lower())
    return texts


def test_key_examples_and_look_alikes_are_not_training_data():
    seen = _training_texts()
    assert len(seen) > 300
    ours = [t for ts in KEY_EXAMPLES.values() for t in ts] + LOOK_ALIKES
    assert [t for t in ours if t.lower() in seen] == []


@pytest.mark.parametrize("level,text", [(lvl, t) for lvl, texts in KEY_EXAMPLES.items() for t in texts])
def test_key_examples(level, text):
    signal = detect(text)
    assert signal.fired, (text, signal)
    if level == "disclosure":
        # Abuse told in the present tense may read as happening now; the acute
        # reply also gives Veilig Thuis, so a higher level is accepted here.
        assert signal.level in ("acute", "disclosure"), (text, signal)
    else:
        assert signal.level == level, (text, signal)


def test_nu_as_a_new_clause_is_not_right_now():
    assert detect("mijn ex sloeg mij vroeger en nu wil hij omgang").level == "disclosure"
    assert detect("hij slaat haar nu").level == "acute"


LOOK_ALIKES = [
    "wat gebeurt er bij Veilig Thuis als iemand geweld meldt",
    "hoe werkt een huisverbod precies",
    "de melder zegt dat ik mijn dochter sla maar dat is niet waar",
    "de jeugdbeschermer heeft mijn zoon vandaag uit huis geplaatst",
    "ik ben het oneens met het verslag van de raad",
    "bij ons thuis wordt niemand geslagen",
    "waar vind ik informatie over zelfmoordpreventie voor een spreekbeurt",
    "ik krijg de app niet aan de praat",
    "ik ben doodmoe van al die afspraken",
    "mijn scherm is kapot",
    "de rechter heeft een spoedmachtiging gegeven, wat betekent dat",
    "help me even met deze brief van de GI",
    "de gezinsvoogd dreigt met de rechter als we niet meewerken",
    "mijn zoon slikt medicijnen voor zijn adhd",
    "we willen met de grootouders een plan maken voor de kinderen",
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
    text = (
        "we zijn verhuisd en de school is goed. " * 40
        + "maar mijn man slaat mij. "
        + "ik heb ook een vraag over de omgang. " * 40
    )
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
    "",
    " ",
    "\n\n\t",
    "?!?!",
    ",,,",
    "...",
    "\x00\x01\x02\x7f",
    "\ud800",
    "🔪🔪🙏🏽",
    "👨‍👩‍👧",
    "<b>hij slaat me</b> &amp; &#128; <script>x</script>",
    "<" * 1000,
    "a" * 20000,
    "help " * 5000,
    "é" * 30000,
    "ÄÖÜß øæ",
    "1234567890" * 100,
    "(((",
    "|||",
    "@@@ *** ~~~",
    "\\x00 \\n",
    "\u202e\u200b\ufeff",
    "zelf" + "moord" * 3000,
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_never_raises(text):
    # Each layer is called directly: detect() catches what a layer raises, so
    # only this shows that neither layer breaks on bad input.
    assert all(level in LEVELS for level, _ in safety.rules_fired(text))
    assert default_model().level(text) in LEVELS + (None,)
    signal = detect(text)
    assert isinstance(signal, SafetySignal)
    assert signal.level in LEVELS + (None,)


def test_random_strings_never_raise():
    rnd = random.Random(42)
    alphabet = "abcdefghijklmnopqrstuvwxyz .,!?'-\n\té€🔪<>&;|*@~()0123456789"
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 400)))
        safety.rules_fired(text)
        default_model().level(text)
    for _ in range(50):
        text = "".join(chr(rnd.randrange(1, 0x10FFFF)) for _ in range(rnd.randrange(0, 200)))
        safety.rules_fired(text)
        default_model().level(text)


@pytest.mark.parametrize("value", [None, 42, b"hij slaat me", ["help"], object()])
def test_non_strings_give_no_signal(value):
    assert detect(value) == SafetySignal(None, ())


def test_a_long_message_costs_linear_time() -> None:
    """A guard against quadratic blow-ups (the speed itself is measured by
    `make safety-report`, not here): 25,000 characters stay far below 2 s."""
    load_patterns()
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


def test_a_broken_pattern_file_is_read_once_and_fails_the_same_way_after(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("rules:\n  - id: x.y\n    level: acute\n    match: ['hij (slaat']\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unbalanced"):
        load_patterns(bad)
    bad.write_text("rules: [", encoding="utf-8")  # not read again: the first failure is kept
    with pytest.raises(ValueError, match="unbalanced"):
        load_patterns(bad)


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


@pytest.mark.parametrize(
    "text", ["help ik snap deze chat niet", "help, wat kan ik hier vragen", "help mij kiezen tussen twee scholen"]
)
def test_help_with_the_chat_is_not_a_cry_for_help(text):
    assert detect(text).level is None


@pytest.mark.parametrize(
    "text", ["help", "help!!!", "sos", "help de chat werkt niet en hij staat voor de deur met een mes"]
)
def test_a_bare_cry_for_help_is_still_acute(text):
    assert detect(text).level == "acute"


@pytest.mark.parametrize(
    "text", ["in het pleeggezin wordt mijn dochter geslagen", "in de instelling wordt mijn zoon mishandeld"]
)
def test_abuse_told_with_the_verb_first_is_a_disclosure(text):
    assert detect(text).level in ("disclosure", "acute")


@pytest.mark.parametrize("text", ["wordt mijn kind uit huis geplaatst?", "wordt mijn dochter gehoord door de rechter"])
def test_a_question_about_a_measure_with_the_verb_first_is_not(text):
    assert detect(text).level is None


@pytest.mark.parametrize(
    "level,text",
    [
        ("suicide", "i really want to die tonight"),
        ("disclosure", "my uncle touches me and i am 11"),
        ("acute", "he is going to kill me, please help me"),
        ("acute", "hij knijpt in mijn nek en hij stopt niet"),
        ("acute", "mijn nichtje moet deze zomer in het buitenland besneden worden"),
        ("acute", "mijn dochter van 14 is mee met een oudere man en ze is onbereikbaar"),
        ("suicide", "regel het maar met de gi na mijn dood, het is mijn plan"),
        ("acute", "mijn vader wil met de kinderen samen dood gaan vannacht"),
        ("acute", "there is a man breaking in downstairs"),
        ("suicide", "lieve familie, het spijt me, ik kan niet meer"),
    ],
)
def test_signals_found_in_the_development_sets_are_heard(level, text):
    assert detect(text).level == level, text


@pytest.mark.parametrize(
    "text",
    [
        "soms duw ik mijn dochter zo hard dat ze valt",
        "geef ik mijn zoon weer een klap, ik schaam me zo",
        "de vrijwilliger weet van niks maar mijn dochter slaat mij steeds",
    ],
)
def test_a_parent_telling_of_violence_is_a_disclosure(text):
    assert detect(text).level in ("acute", "disclosure"), text


@pytest.mark.parametrize(
    "text",
    [
        "in een boek las ik over een kind dat ontvoerd werd door zijn vader, komt dat vaak voor",
        "dat advies voelde als een mes in mijn rug, kan ik een klacht indienen",
        "de hond van mijn dochter is doodgegaan, mag ze afscheid nemen bij ons thuis",
        "mijn zoon krijgt een gastles over grooming, wat moet ik weten",
        "ik voel me aangevallen door de gezinsvoogd, hoe dien ik een klacht in",
        "toen de rechter met de hamer sloeg was het voorbij, kan ik in beroep",
    ],
)
def test_stories_idioms_and_lessons_are_not_danger(text):
    assert detect(text).level is None, text


def test_a_question_about_the_children_after_a_parents_death_is_not_acute():
    assert detect("wat gebeurt er met de kinderen als ik dood ga, wie krijgt het gezag").level != "acute"


def test_letters_without_a_decomposition_are_folded_not_dropped():
    # NFKD leaves Turkish dotless i and Polish l-stroke alone; dropping them split
    # "bıçak" into "b cak", so the patterns never saw the word.
    assert safety.normalise("elinde bıçak var").split()[-3:] == ["bicak", "var", "|"]
    assert "wlamuje" in safety.normalise("ktoś się włamuje")
    assert detect("acil, elinde bıçak var ve bağırıyor").level == "acute"
    assert detect("on się włamuje do mieszkania").level == "acute"


def test_cyrillic_is_transliterated_not_dropped():
    # Without transliteration a message in Cyrillic folded to nothing: no layer saw a word.
    assert safety.normalise("Я не хочу жити").split() == ["|", "ya", "ne", "khochu", "zhyty", "|"]
    assert detect("Я не хочу жити, вони забрали моїх дітей").level == "suicide"
    assert detect("Ya ne khochu zhyty").level == "suicide"
    assert detect("Дякую за допомогу, до побачення").level is None
    assert detect("Dziękuję bardzo za pomoc!").level is None  # "pomoc" is thanks for help, not "pomocy!"


def test_other_scripts_are_transliterated_and_symbols_alone_are_not_judged():
    # Arabic and Ethiopic script used to fold to nothing, like emoji: the model then
    # gave every such message the same probabilities, which crossed the suicide threshold.
    assert safety.normalise("شكرا جزيلا").split() == ["|", "shkr", "jzyl", "|"]
    assert safety.normalise("ሰላም").split() == ["|", "selam", "|"]
    probabilities, support = default_model().assess("👍 🙏")
    assert probabilities == {"none": 1.0} and support == {}
    for text in ("👍", "🙏🙏", "السلام عليكم، كيف حالك؟", "ሰላም፡ ከመይ ኣለኻ?"):
        assert detect(text).level is None, text
    assert detect("ik wil niet meer leven 😢").level == "suicide"  # an emoji does not silence a message


def test_model_veto_needs_a_guard_with_a_message_part() -> None:
    from knowledge.safety.rules import PatternSet

    rules = [{"id": "acute.x", "level": "acute", "match": ["help"]}]
    with pytest.raises(ValueError, match="model_veto"):
        PatternSet({"guards": {"g": {"sentence": ["haha"]}}, "model_veto": {"g": ["acute"]}, "rules": rules})
    with pytest.raises(ValueError, match="unknown level"):
        PatternSet({"guards": {"g": {"message": ["haha"]}}, "model_veto": {"g": ["panic"]}, "rules": rules})


def test_a_laugh_marker_stops_the_model_guessing_danger_but_never_suicide() -> None:
    from knowledge.safety.rules import assess_rules

    fired, vetoed = assess_rules("haha mijn broer zei dat hij me gaat afmaken met mario kart vanavond")
    assert fired == [] and vetoed == {"acute", "disclosure", "distress"}
    # A rule that fires keeps the model's vote too; suicide is never vetoed.
    fired, vetoed = assess_rules("als ik nu van de brug spring wie zorgt er dan voor mn kids haha")
    assert fired and not vetoed
    assert detect("haha mijn broer zei dat hij me gaat afmaken met mario kart vanavond").level is None
