"""Date windows of the aggregate endpoints: `from`/`to` or `period=`, and target pro-rating."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Annotated

from fastapi import Query

from app.problems import InvalidInput, InvalidParam
from app.schemas import IsoDate

PERIOD_PATTERN = (
    r"^([0-9]{4}|[0-9]{4}-Q[1-4]|[0-9]{4}-(0[1-9]|1[0-2])|this-year|last-quarter|last-12-months)$"
)

PlanQuery = Annotated[
    str | None,
    Query(max_length=40, description="The plan; default the current one.", examples=["2023-2024"]),
]
FromParam = Annotated[
    IsoDate | None,
    Query(
        alias="from",
        description="First day of the window (inclusive), `YYYY-MM-DD`.",
        examples=["2023-01-01"],
    ),
]
ToParam = Annotated[
    IsoDate | None,
    Query(
        alias="to",
        description="Last day of the window (inclusive), `YYYY-MM-DD`.",
        examples=["2023-04-30"],
    ),
]
PeriodParam = Annotated[
    str | None,
    Query(
        max_length=20,
        description=(
            "Instead of `from`/`to`: a year `2023`, quarter `2023-Q1`, month `2023-04`, or "
            "relative to today `this-year` (the whole calendar year), `last-quarter` (the last "
            "complete quarter) or `last-12-months` (the twelve complete months before this one)."
        ),
        examples=["2023-Q1"],
    ),
]


@dataclass(frozen=True)
class Window:
    """Inclusive date range; either end may be open (None) where the endpoint allows it."""

    starts_on: date | None
    ends_on: date | None

    def clip(self, starts_on: date, ends_on: date) -> "Window":
        start = max(self.starts_on or starts_on, starts_on)
        end = min(self.ends_on or ends_on, ends_on)
        return Window(start, end)

    @property
    def is_empty(self) -> bool:
        return (
            self.starts_on is not None
            and self.ends_on is not None
            and self.ends_on < self.starts_on
        )


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(year: int, quarter: int) -> Window:
    first_month = 3 * (quarter - 1) + 1
    return Window(date(year, first_month, 1), _month_end(year, first_month + 2))


def period_window(period: str, today: date) -> Window:
    """The window a `period=` value stands for; raises InvalidInput for anything else."""
    if not re.match(PERIOD_PATTERN, period):
        raise InvalidInput.one(
            "period",
            "pattern",
            "Use `YYYY`, `YYYY-Qn`, `YYYY-MM`, `this-year`, `last-quarter` or `last-12-months`.",
        )
    if period == "this-year":
        return Window(date(today.year, 1, 1), date(today.year, 12, 31))
    if period == "last-quarter":
        quarter = (today.month - 1) // 3  # the current quarter's index, 0-based
        return _quarter(today.year - 1, 4) if quarter == 0 else _quarter(today.year, quarter)
    if period == "last-12-months":
        end = today.replace(day=1) - timedelta(days=1)
        start = date(end.year, 1, 1) if end.month == 12 else date(end.year - 1, end.month + 1, 1)
        return Window(start, end)
    if "-Q" in period:
        year_text, quarter_text = period.split("-Q")
        return _quarter(int(year_text), int(quarter_text))
    if "-" in period:
        year_text, month_text = period.split("-")
        year, month = int(year_text), int(month_text)
        return Window(date(year, month, 1), _month_end(year, month))
    return Window(date(int(period), 1, 1), date(int(period), 12, 31))


def parse_window(
    starts_on: date | None, ends_on: date | None, period: str | None, today: date | None = None
) -> Window:
    """`from`/`to` or `period=` (not both); `to` before `from` is invalid input."""
    if period is not None:
        if starts_on is not None or ends_on is not None:
            raise InvalidInput(
                [
                    InvalidParam(
                        name="period",
                        code="conflict",
                        reason="Give either `period` or `from`/`to`, not both.",
                    )
                ]
            )
        return period_window(period, today or date.today())
    window = Window(starts_on, ends_on)
    if window.is_empty:
        raise InvalidInput.one("to", "before-from", "`to` lies before `from`.")
    return window


def days(starts_on: date, ends_on: date) -> int:
    return (ends_on - starts_on).days + 1


def expected_value(
    value: int, per: str, window: Window, plan_starts_on: date, plan_ends_on: date
) -> Fraction:
    """The target pro-rated over the window (SPEC §6). Per year: for each calendar year the
    window touches, value * the window's days in that year / that year's days (366 in a leap
    year). Per plan: value * window days / plan days."""
    assert window.starts_on is not None
    assert window.ends_on is not None
    if window.is_empty:
        return Fraction(0)
    if per == "plan":
        return Fraction(value * days(window.starts_on, window.ends_on)) / days(
            plan_starts_on, plan_ends_on
        )
    total = Fraction(0)
    for year in range(window.starts_on.year, window.ends_on.year + 1):
        start = max(window.starts_on, date(year, 1, 1))
        end = min(window.ends_on, date(year, 12, 31))
        total += Fraction(value * days(start, end), 366 if calendar.isleap(year) else 365)
    return total
