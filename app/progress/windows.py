"""Date windows of the aggregate endpoints and record lists: `from`/`to` or `period=` (one
resolution for every endpoint), a window's place in a plan, and target pro-rating."""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Annotated

from fastapi import Query

from app.problems import InvalidInput, InvalidParam
from app.schemas import IsoDate

# Relative periods, resolved against today (DHIS2's relative periods, by their Dutch-free
# names): the whole current calendar year, quarter or month, the last complete one, and the
# twelve complete months before the current one.
RELATIVE_PERIODS = (
    "this-year",
    "this-quarter",
    "this-month",
    "last-year",
    "last-quarter",
    "last-month",
    "last-12-months",
)
PERIOD_PATTERN = (
    r"^([0-9]{4}|[0-9]{4}-Q[1-4]|[0-9]{4}-(0[1-9]|1[0-2])|" + "|".join(RELATIVE_PERIODS) + r")$"
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
            "relative to today: `this-year`, `this-quarter`, `this-month` (the whole current "
            "calendar year, quarter or month), `last-year`, `last-quarter`, `last-month` (the "
            "last complete one) or `last-12-months` (the twelve complete months before this "
            "one)."
        ),
        examples=["2023-Q1"],
    ),
]


# The months in Dutch, for titles and sentences: MONTHS[month - 1].
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True)
class Window:
    """Inclusive date range; either end may be open (None) where the endpoint allows it."""

    starts_on: date | None
    ends_on: date | None
    # The query parameters the window was given by (`period`, or `from` and/or `to`), so
    # that a window outside a plan is reported on the parameter the caller wrote.
    given: tuple[str, ...] = field(default=(), compare=False)

    def clip(self, starts_on: date, ends_on: date) -> "Window":
        start = max(self.starts_on or starts_on, starts_on)
        end = min(self.ends_on or ends_on, ends_on)
        return Window(start, end, self.given)

    def filled(self, starts_on: date, ends_on: date) -> "Window":
        """Open ends filled from (a plan's) `starts_on`/`ends_on`, not clipped."""
        return Window(self.starts_on or starts_on, self.ends_on or ends_on, self.given)

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


def _month(year: int, month: int) -> Window:
    return Window(date(year, month, 1), _month_end(year, month))


def today() -> date:
    """The day relative periods are resolved against (tests freeze it)."""
    return date.today()


def _relative_window(period: str, day: date) -> Window:
    quarter = (day.month - 1) // 3 + 1
    if period == "this-year":
        return Window(date(day.year, 1, 1), date(day.year, 12, 31))
    if period == "last-year":
        return Window(date(day.year - 1, 1, 1), date(day.year - 1, 12, 31))
    if period == "this-quarter":
        return _quarter(day.year, quarter)
    if period == "last-quarter":
        return _quarter(day.year - 1, 4) if quarter == 1 else _quarter(day.year, quarter - 1)
    if period == "this-month":
        return _month(day.year, day.month)
    last_month_end = day.replace(day=1) - timedelta(days=1)
    if period == "last-month":
        return _month(last_month_end.year, last_month_end.month)
    # last-12-months
    end = last_month_end
    start = date(end.year, 1, 1) if end.month == 12 else date(end.year - 1, end.month + 1, 1)
    return Window(start, end)


def period_window(period: str, today: date) -> Window:
    """The window a `period=` value stands for; raises InvalidInput for anything else. The
    one resolution of periods: every endpoint with a window uses it (through parse_window)."""
    if not re.match(PERIOD_PATTERN, period):
        raise InvalidInput.one(
            "period",
            "pattern",
            "Use `YYYY`, `YYYY-Qn`, `YYYY-MM` or one of "
            + ", ".join(f"`{name}`" for name in RELATIVE_PERIODS)
            + ".",
        )
    if period in RELATIVE_PERIODS:
        window = _relative_window(period, today)
    elif "-Q" in period:
        year_text, quarter_text = period.split("-Q")
        window = _quarter(int(year_text), int(quarter_text))
    elif "-" in period:
        year_text, month_text = period.split("-")
        window = _month(int(year_text), int(month_text))
    else:
        window = Window(date(int(period), 1, 1), date(int(period), 12, 31))
    return Window(window.starts_on, window.ends_on, ("period",))


def parse_window(
    starts_on: date | None, ends_on: date | None, period: str | None, today: date | None = None
) -> Window:
    """`from`/`to` or `period=` (not both); `to` before `from` is invalid input. Relative
    periods are resolved against `today`, by default the module's `today()`."""
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
        return period_window(period, today or _today())
    given = tuple(
        name for name, value in (("from", starts_on), ("to", ends_on)) if value is not None
    )
    window = Window(starts_on, ends_on, given)
    if window.is_empty:
        raise InvalidInput.one("to", "before-from", "`to` lies before `from`.")
    return window


def _today() -> date:
    return today()


def within_plan(window: Window, plan_code: str, plan_starts_on: date, plan_ends_on: date) -> None:
    """A window that lies wholly outside the plan is invalid input on the parameter that was
    given: `period`, or `from` (the window starts after the plan) or `to` (it ends before)."""
    starts_after = window.starts_on is not None and window.starts_on > plan_ends_on
    ends_before = window.ends_on is not None and window.ends_on < plan_starts_on
    if not (starts_after or ends_before):
        return
    if "period" in window.given:
        name = "period"
    elif starts_after and "from" in window.given:
        name = "from"
    elif ends_before and "to" in window.given:
        name = "to"
    else:
        name = window.given[0] if window.given else "from"
    raise InvalidInput.one(
        name,
        "outside-plan",
        f"The window lies outside plan `{plan_code}` "
        f"({plan_starts_on.isoformat()} to {plan_ends_on.isoformat()}).",
    )


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


def a_year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous_window(window: Window, compare: str) -> Window:
    """The window to compare with: `previous-period`, the window of equal length that ends
    the day before it starts; `previous-year`, the same days a year earlier."""
    assert window.starts_on is not None
    assert window.ends_on is not None
    if compare == "previous-year":
        return Window(a_year_earlier(window.starts_on), a_year_earlier(window.ends_on))
    length = days(window.starts_on, window.ends_on)
    return Window(window.starts_on - timedelta(days=length), window.starts_on - timedelta(days=1))
