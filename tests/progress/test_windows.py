"""Windows (`from`/`to`, `period=`) and the pro-rating of targets, leap years included."""

from datetime import date
from fractions import Fraction

import pytest

from app.problems import InvalidInput
from app.progress.windows import Window, expected_value, parse_window, period_window

TODAY = date(2024, 5, 15)
PLAN = (date(2023, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2023-Q4", date(2023, 10, 1), date(2023, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
        ("this-year", date(2024, 1, 1), date(2024, 12, 31)),
        ("last-quarter", date(2024, 1, 1), date(2024, 3, 31)),
        ("last-12-months", date(2023, 5, 1), date(2024, 4, 30)),
    ],
)
def test_periods(period: str, start: date, end: date) -> None:
    assert period_window(period, TODAY) == Window(start, end)


def test_relative_periods_at_the_turn_of_the_year() -> None:
    assert period_window("last-quarter", date(2024, 2, 1)) == Window(
        date(2023, 10, 1), date(2023, 12, 31)
    )
    assert period_window("last-12-months", date(2024, 1, 10)) == Window(
        date(2023, 1, 1), date(2023, 12, 31)
    )


@pytest.mark.parametrize("period", ["2023-Q5", "2023-13", "23", "yesterday", "2023-1", ""])
def test_bad_periods_are_invalid(period: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_window(None, None, period, TODAY)
    assert raised.value.invalid_params[0].name == "period"


def test_to_before_from_is_invalid() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_window(date(2023, 5, 1), date(2023, 4, 30), None)
    assert raised.value.invalid_params[0].code == "before-from"


def test_period_and_from_together_are_invalid() -> None:
    with pytest.raises(InvalidInput):
        parse_window(date(2023, 5, 1), None, "2023", TODAY)


def test_expected_per_year_for_the_letter_window() -> None:
    window = Window(date(2023, 1, 1), date(2023, 4, 30))
    assert expected_value(10, "year", window, *PLAN) == Fraction(10 * 120, 365)


def test_expected_per_year_across_a_leap_year() -> None:
    window = Window(date(2023, 12, 1), date(2024, 2, 29))
    assert expected_value(10, "year", window, *PLAN) == Fraction(310, 365) + Fraction(600, 366)
    assert expected_value(10, "year", Window(*PLAN), *PLAN) == 20


def test_expected_per_plan() -> None:
    window = Window(date(2024, 1, 1), date(2024, 12, 31))
    assert expected_value(4, "plan", window, *PLAN) == Fraction(4 * 366, 731)
    assert expected_value(4, "plan", Window(*PLAN), *PLAN) == 4
