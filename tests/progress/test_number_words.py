"""Number words of the terugblik follow the Taalunie's spelling, 0 to 1000: the rules are
written out here on their own, not taken from the library the service uses."""

import pytest

from app.reports.terugblik import capitalise, words

UNITS = ["", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
TEENS = [
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
]
TENS = ["", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig"]
TENS.append("negentig")


def below_hundred(number: int) -> str:
    """Units before tens, joined by `en`; `ën` where the unit ends in an e (tweeëntwintig,
    drieëndertig) so that the vowels are read apart."""
    if number < 10:
        return UNITS[number]
    if number < 20:
        return TEENS[number - 10]
    tens, unit = divmod(number, 10)
    if unit == 0:
        return TENS[tens]
    joint = "ën" if UNITS[unit].endswith("e") else "en"
    return UNITS[unit] + joint + TENS[tens]


def taalunie(number: int) -> str:
    """Written as one word up to a thousand, without accents inside the word (honderdeen,
    tweehonderdeen); one standing alone is `één` as the letter writes it."""
    if number == 0:
        return "nul"
    if number == 1:
        return "één"
    if number == 1000:
        return "duizend"
    hundreds, rest = divmod(number, 100)
    head = "" if hundreds == 0 else ("honderd" if hundreds == 1 else UNITS[hundreds] + "honderd")
    return head + below_hundred(rest)


def test_the_rules_themselves() -> None:
    examples = {
        21: "eenentwintig",
        22: "tweeëntwintig",
        23: "drieëntwintig",
        101: "honderdeen",
        201: "tweehonderdeen",
        122: "honderdtweeëntwintig",
        999: "negenhonderdnegenennegentig",
    }
    assert {n: taalunie(n) for n in examples} == examples


@pytest.mark.parametrize("start", range(0, 1001, 100))
def test_words_follow_the_taalunie_from_0_to_1000(start: int) -> None:
    numbers = range(start, min(start + 100, 1001))
    assert {n: words(n) for n in numbers} == {n: taalunie(n) for n in numbers}


def test_one_at_the_start_of_a_sentence() -> None:
    assert capitalise(f"{words(1)} van de drie") == "Eén van de drie"
    assert capitalise(f"{words(101)} panden") == "Honderdeen panden"
