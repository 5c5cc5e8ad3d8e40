"""Property-based: over random records, changes and windows (leap years, whole months and
windows partly outside the plan included), progress (with its breakdowns and comparisons) and
statistics (with filters, withdrawn measures and audiences; from the records and from the
monthly rollups) equal a plain Python recount, and the rollups kept by the write hook (of
progress and of statistics) equal a rebuild from the records."""

import calendar
from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlmodel import Session, col

from app.campaigns.models import Campaign
from app.indicators.models import Indicator
from app.inspections.models import Inspection
from app.measures.models import Measure
from app.progress.models import ProgressBreakdown, ProgressRollup, StatisticsRollup
from app.progress.rollups import rebuild_rollups
from app.progress.schemas import Compare, ProgressGroup, RecordResource
from app.progress.service import progress
from app.progress.statistics import statistics
from app.progress.statistics_rollups import rebuild_statistics_rollups
from app.progress.windows import Window
from app.signals.models import Signal
from tests.progress.conftest import add_record, change_record, columns, remove_record

PLAN = (date(2023, 1, 1), date(2024, 12, 31))
DAYS = st.dates(min_value=date(2022, 7, 1), max_value=date(2025, 6, 30))
INSPECTION_KINDS = ["integrale-controle", "seksbranche-controle", "wijkgerichte-drugsactie"]
AUDIENCES = ["burgers", "handhaving", "wijkmanagers", "ambtenaren"]
PROFILE = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

inspection = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(INSPECTION_KINDS),
        "occurred_on": DAYS,
        "businesses_inspected": st.none() | st.integers(0, 30),
        "partner": st.sampled_from(["politie", "gemeente", "ozhz"]),
        "theme": st.none() | st.sampled_from(["drugs", "vastgoed"]),
    }
)
measure = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["sluiting", "waarschuwing"]),
        "decided_on": DAYS,
        "status": st.sampled_from(["voornemen", "opgelegd", "ingetrokken"]),
        "partner": st.sampled_from(["politie", "gemeente"]),
    }
)
campaign = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["bewustwordingstraining", "communicatiecampagne"]),
        "starts_on": DAYS,
        "audiences": st.lists(st.sampled_from(AUDIENCES), max_size=3, unique=True),
        "pillar": st.sampled_from(["p2", "p3"]),
        "participants": st.none() | st.integers(0, 100),
        "partner": st.sampled_from(["gemeente", "politie"]),
    }
)


@st.composite
def windows(draw: Any) -> Window:
    """Any days, or whole calendar months (which statistics read from their rollups)."""
    start = draw(st.dates(min_value=date(2022, 1, 1), max_value=date(2025, 12, 31)))
    length = draw(st.integers(0, 800))
    end = start + timedelta(days=length)
    if draw(st.booleans()):
        start = start.replace(day=1)
        end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    return Window(start, end)


@st.composite
def histories(draw: Any) -> list[tuple[str, dict[str, Any], dict[str, Any] | None, bool]]:
    """(resource, values, later change or None, deleted) per record."""
    records = []
    for resource, strategy in (
        ("inspections", inspection),
        ("measures", measure),
        ("campaigns", campaign),
    ):
        for values in draw(st.lists(strategy, max_size=8)):
            change = draw(st.none() | strategy)
            records.append((resource, values, change, draw(st.booleans())))
    return records


def _reset(session: Session) -> None:
    session.rollback()
    for model in (
        ProgressRollup,
        ProgressBreakdown,
        StatisticsRollup,
        Inspection,
        Measure,
        Campaign,
        Signal,
    ):
        session.execute(delete(model))
    session.commit()


def _write(session: Session, history: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """Writes the history through the hook; returns what is left, as column values."""
    left = []
    for resource, values, change, deleted in history:
        record = add_record(session, resource, **values)
        if change is not None:
            change_record(session, resource, record, **change)
        if deleted:
            remove_record(session, resource, record)
        else:
            left.append((resource, columns(record)))
    session.commit()
    return left


DATE_ATTRIBUTE = {"inspections": "occurred_on", "measures": "decided_on", "campaigns": "starts_on"}


def _recount(indicator: Indicator, left: list[tuple[str, dict[str, Any]]], window: Window) -> int:
    return sum(_recount_by(indicator, left, window, "partner").values())


def _recount_by(
    indicator: Indicator, left: list[tuple[str, dict[str, Any]]], window: Window, key: str
) -> Counter[Any]:
    """What the indicator counts in the window, per value of the record's `key`."""
    total: Counter[Any] = Counter()
    for resource, values in left:
        if resource != indicator.count_resource:
            continue
        if resource == "measures" and values["status"] == "ingetrokken":
            continue
        day = values[DATE_ATTRIBUTE[resource]]
        assert window.starts_on is not None
        assert window.ends_on is not None
        if not window.starts_on <= day <= window.ends_on:
            continue
        matches = True
        for name, wanted in (indicator.count_filters or {}).items():
            value = values[name]
            hit = any(v in wanted for v in value) if isinstance(value, list) else value in wanted
            matches = matches and hit
        if matches:
            amount = (values["businesses_inspected"] or 0) if indicator.count_field else 1
            total[values[key]] += amount
    return total


def _expected_by_days(value: int, per: str, window: Window) -> Fraction:
    """The pro-rating recounted day by day: each day is 1/365 (or 1/366) of a year."""
    assert window.starts_on is not None
    assert window.ends_on is not None
    days = [
        window.starts_on + timedelta(days=offset)
        for offset in range((window.ends_on - window.starts_on).days + 1)
    ]
    if per == "plan":
        return Fraction(value * len(days), (PLAN[1] - PLAN[0]).days + 1)
    return sum(
        (Fraction(value, 366 if calendar.isleap(day.year) else 365) for day in days), Fraction(0)
    )


@PROFILE
@given(history=histories(), window=windows())
def test_progress_equals_a_recount(db: Session, history: list[Any], window: Window) -> None:
    _reset(db)
    # Sum businesses instead of counting, for one indicator, to cover count_field.
    summed = db.scalar(select(Indicator).where(col(Indicator.code) == "p1-drugsacties"))
    assert summed is not None
    summed.count_field = "businessesInspected"
    db.add(summed)
    db.commit()
    left = _write(db, history)
    in_plan = window.starts_on <= PLAN[1] and window.ends_on >= PLAN[0]  # type: ignore[operator]
    if not in_plan:
        return
    report = progress(db, "2023-2024", window)
    clipped = window.clip(*PLAN)
    assert (report.starts_on, report.ends_on) == (clipped.starts_on, clipped.ends_on)
    indicators = {i.code: i for i in db.scalars(select(Indicator)).all()}
    seen = 0
    for pillar in report.pillars:
        for entry in pillar.indicators:
            row = indicators[entry.code]
            if row.kind != "count":
                continue
            seen += 1
            assert entry.actual == _recount(row, left, clipped), entry.code
            if row.target_value is None:
                assert entry.expected is None
                continue
            expected = _expected_by_days(row.target_value, row.target_per or "", clipped)
            assert entry.expected == pytest.approx(float(expected), rel=1e-12)
    assert seen == 6


@PROFILE
@given(history=histories())
def test_rollups_equal_a_rebuild(db: Session, history: list[Any]) -> None:
    _reset(db)
    _write(db, history)

    def snapshot() -> set[tuple[Any, ...]]:
        rows = db.execute(select(ProgressRollup)).scalars().all()
        return {(r.indicator_id, r.day, r.records, r.total) for r in rows if r.records or r.total}

    def statistics_snapshot() -> set[tuple[Any, ...]]:
        """Summed over the shards (the hook writes its connection's, a rebuild shard 0)."""
        rows = db.execute(select(StatisticsRollup)).scalars().all()
        key = ("resource", "group_key", "month", "group_value", "confidentiality", "counted")
        sums: dict[tuple[Any, ...], list[int]] = {}
        for r in rows:
            summed = sums.setdefault(tuple(getattr(r, name) for name in key), [0, 0])
            summed[0] += r.records
            summed[1] += r.total
        return {(*k, records, total) for k, (records, total) in sums.items() if records or total}

    def breakdown_snapshot() -> set[tuple[Any, ...]]:
        rows = db.execute(select(ProgressBreakdown)).scalars().all()
        return {
            (
                r.indicator_id,
                r.group_key,
                r.month,
                r.group_value,
                r.confidentiality,
                r.records,
                r.total,
            )
            for r in rows
            if r.records or r.total
        }

    kept, kept_statistics = snapshot(), statistics_snapshot()
    kept_breakdowns = breakdown_snapshot()
    for indicator in db.scalars(select(Indicator).where(col(Indicator.kind) == "count")):
        rebuild_rollups(db, indicator)
    rebuild_statistics_rollups(db)
    db.flush()
    assert snapshot() == kept
    assert statistics_snapshot() == kept_statistics
    assert breakdown_snapshot() == kept_breakdowns
    db.rollback()


GROUPS = st.lists(
    st.sampled_from(["kind", "partner", "theme", "month", "quarter", "year"]),
    max_size=3,
    unique=True,
)


@PROFILE
@given(
    history=histories(),
    window=st.none() | windows(),
    group_by=GROUPS,
)
def test_statistics_equal_a_recount(
    db: Session, history: list[Any], window: Window | None, group_by: list[str]
) -> None:
    _reset(db)
    left = _write(db, history)
    report = statistics(
        db, RecordResource.INSPECTIONS, window or Window(None, None), ",".join(group_by), None
    )
    counts: Counter[tuple[Any, ...]] = Counter()
    businesses: Counter[tuple[Any, ...]] = Counter()
    for resource, values in left:
        if resource != "inspections":
            continue
        day = values["occurred_on"]
        if window is not None and not (window.starts_on <= day <= window.ends_on):  # type: ignore[operator]
            continue
        keys = {
            "kind": values["kind"],
            "partner": values["partner"],
            "theme": values["theme"],
            "month": f"{day.year}-{day.month:02d}",
            "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
            "year": str(day.year),
        }
        group = tuple(keys[key] for key in group_by)
        counts[group] += 1
        businesses[group] += values["businesses_inspected"] or 0
    got = {
        tuple(g[key] for key in group_by): (g["count"], g["businessesInspected"])
        for g in report.groups
    }
    if not group_by:
        assert report.groups == [{"count": counts[()], "businessesInspected": businesses[()]}]
        return
    assert got == {group: (counts[group], businesses[group]) for group in counts}
    assert report.total == sum(counts.values())
    assert report.businesses_inspected == sum(businesses.values())


signal = st.fixed_dictionaries(
    {
        "channel": st.sampled_from(["casusoverleg", "meld-misdaad-anoniem"]),
        "received_on": DAYS,
        "discussed_on": st.none() | DAYS,
        "status": st.sampled_from(["nieuw", "afgesloten"]),
        "partner": st.sampled_from(["politie", "mma"]),
    }
)


@PROFILE
@given(
    signals=st.lists(signal, max_size=10),
    measures=st.lists(measure, max_size=10),
    window=st.none() | windows(),
    group_by=st.lists(st.sampled_from(["status", "partner", "month", "year"]), unique=True),
    discussed=st.booleans(),
)
def test_signal_and_measure_statistics_equal_a_recount(
    db: Session,
    signals: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    window: Window | None,
    group_by: list[str],
    discussed: bool,
) -> None:
    """Signals by `receivedOn` or `discussedOn` (undiscussed ones then left out); measures
    without the withdrawn ones."""
    _reset(db)
    for values in signals:
        add_record(db, "signals", **values)
    for values in measures:
        add_record(db, "measures", **values)
    db.commit()
    cases = [
        (
            RecordResource.SIGNALS,
            signals,
            "discussed_on" if discussed else "received_on",
            "discussedOn" if discussed else None,
        ),
        (RecordResource.MEASURES, measures, "decided_on", None),
    ]
    for resource, rows, date_attribute, date_field in cases:
        report = statistics(
            db, resource, window or Window(None, None), ",".join(group_by), date_field
        )
        counts: Counter[tuple[Any, ...]] = Counter()
        for values in rows:
            day = values[date_attribute]
            if day is None or values.get("status") == "ingetrokken":
                continue
            if window is not None and not (window.starts_on <= day <= window.ends_on):  # type: ignore[operator]
                continue
            keys = {
                "status": values["status"],
                "partner": values.get("partner", "politie"),
                "month": f"{day.year}-{day.month:02d}",
                "year": str(day.year),
            }
            counts[tuple(keys[key] for key in group_by)] += 1
        got = {tuple(g[key] for key in group_by): g["count"] for g in report.groups}
        if group_by:
            assert got == dict(counts), resource
        else:
            assert got == {(): counts[()]}, resource
        assert report.total == sum(counts.values())


def _previous_by_hand(window: Window, compare: str) -> Window:
    """The compared window, worked out on its own: the same dates a year earlier (29
    February to 28 February), or as many days as the window has, ending the day before it."""
    assert window.starts_on is not None
    assert window.ends_on is not None
    if compare == "previous-year":

        def back(day: date) -> date:
            if (day.month, day.day) == (2, 29):
                return date(day.year - 1, 2, 28)
            return date(day.year - 1, day.month, day.day)

        return Window(back(window.starts_on), back(window.ends_on))
    length = (window.ends_on - window.starts_on).days + 1
    end = window.starts_on - timedelta(days=1)
    return Window(end - timedelta(days=length - 1), end)


@PROFILE
@given(
    history=histories(),
    window=windows(),
    key=st.sampled_from(["partner", "theme"]),
    compare=st.sampled_from(["previous-period", "previous-year"]),
)
def test_breakdowns_and_comparisons_equal_a_recount(
    db: Session, history: list[Any], window: Window, key: str, compare: str
) -> None:
    _reset(db)
    left = _write(db, history)
    if not (window.starts_on <= PLAN[1] and window.ends_on >= PLAN[0]):  # type: ignore[operator]
        return
    report = progress(
        db, "2023-2024", window, group_by=ProgressGroup(key), compare=Compare(compare)
    )
    clipped = window.clip(*PLAN)
    earlier = _previous_by_hand(clipped, compare)
    # The days of the compared window that lie in the plan carry the target.
    in_plan = [
        day
        for offset in range((earlier.ends_on - earlier.starts_on).days + 1)  # type: ignore[operator]
        if PLAN[0] <= (day := earlier.starts_on + timedelta(days=offset)) <= PLAN[1]  # type: ignore[operator]
    ]
    indicators = {i.code: i for i in db.scalars(select(Indicator)).all()}
    for pillar in report.pillars:
        for entry in pillar.indicators:
            row = indicators[entry.code]
            if row.kind != "count":
                assert entry.breakdown is None
                assert entry.previous is None
                continue
            assert entry.breakdown is not None
            assert entry.previous is not None
            parts = {getattr(part, key): part.actual for part in entry.breakdown}
            wanted = {value: n for value, n in _recount_by(row, left, clipped, key).items() if n}
            assert parts == wanted, entry.code
            assert sum(parts.values()) == entry.actual
            previous = entry.previous
            assert (previous.starts_on, previous.ends_on) == (earlier.starts_on, earlier.ends_on)
            assert previous.actual == _recount(row, left, earlier), entry.code
            if row.target_value is None or not in_plan:
                assert previous.expected is None
            else:
                by_days = _expected_by_days(
                    row.target_value, row.target_per or "", Window(in_plan[0], in_plan[-1])
                )
                assert previous.expected == pytest.approx(float(by_days), rel=1e-12)


MEASURE_FILTERS = st.fixed_dictionaries(
    {
        "kind": st.none() | st.lists(st.sampled_from(["sluiting", "waarschuwing"]), min_size=1),
        "status": st.none()
        | st.lists(st.sampled_from(["voornemen", "opgelegd", "ingetrokken"]), min_size=1),
        "partner": st.none() | st.lists(st.sampled_from(["politie", "gemeente"]), min_size=1),
    }
)


@PROFILE
@given(
    measures=st.lists(measure, max_size=12),
    filters=MEASURE_FILTERS,
    include_withdrawn=st.booleans(),
    group_by=st.lists(st.sampled_from(["status", "kind", "year"]), max_size=2, unique=True),
    window=st.none() | windows(),
)
def test_filtered_measure_statistics_equal_a_recount(
    db: Session,
    measures: list[dict[str, Any]],
    filters: dict[str, list[str] | None],
    include_withdrawn: bool,
    group_by: list[str],
    window: Window | None,
) -> None:
    """Filters with several values; withdrawn measures only with `includeWithdrawn` or a
    status filter that names `ingetrokken`."""
    _reset(db)
    for values in measures:
        add_record(db, "measures", **values)
    db.commit()
    given_filters = {name: ",".join(v) for name, v in filters.items() if v is not None}
    report = statistics(
        db,
        RecordResource.MEASURES,
        window or Window(None, None),
        ",".join(group_by),
        None,
        filters=given_filters,
        include_withdrawn=include_withdrawn,
    )
    withdrawn_asked = include_withdrawn or "ingetrokken" in (filters["status"] or [])
    counts: Counter[tuple[Any, ...]] = Counter()
    for values in measures:
        day = values["decided_on"]
        if values["status"] == "ingetrokken" and not withdrawn_asked:
            continue
        if window is not None and not (window.starts_on <= day <= window.ends_on):  # type: ignore[operator]
            continue
        if any(wanted is not None and values[n] not in wanted for n, wanted in filters.items()):
            continue
        keys = {"status": values["status"], "kind": values["kind"], "year": str(day.year)}
        counts[tuple(keys[key] for key in group_by)] += 1
    got = {tuple(g[key] for key in group_by): g["count"] for g in report.groups}
    assert got == (dict(counts) if group_by else {(): counts[()]})
    assert report.total == sum(counts.values())


@PROFILE
@given(
    campaigns=st.lists(campaign, max_size=10),
    audience_filter=st.none() | st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=2),
    group_by=st.lists(st.sampled_from(["audiences", "pillar", "kind"]), max_size=2, unique=True),
    window=st.none() | windows(),
)
def test_campaign_statistics_by_audience_equal_a_recount(
    db: Session,
    campaigns: list[dict[str, Any]],
    audience_filter: list[str] | None,
    group_by: list[str],
    window: Window | None,
) -> None:
    """A campaign counts (and adds its participants) once in each of its audiences' groups
    (in the group null without any), and once in the total."""
    _reset(db)
    for values in campaigns:
        add_record(db, "campaigns", **values)
    db.commit()
    report = statistics(
        db,
        RecordResource.CAMPAIGNS,
        window or Window(None, None),
        ",".join(group_by),
        None,
        filters={"audiences": ",".join(audience_filter)} if audience_filter else {},
    )
    counts: Counter[tuple[Any, ...]] = Counter()
    participants: Counter[tuple[Any, ...]] = Counter()
    total = summed = 0
    for values in campaigns:
        day = values["starts_on"]
        if window is not None and not (window.starts_on <= day <= window.ends_on):  # type: ignore[operator]
            continue
        if audience_filter and not set(values["audiences"]) & set(audience_filter):
            continue
        total += 1
        summed += values["participants"] or 0
        audiences = (values["audiences"] or [None]) if "audiences" in group_by else [None]
        for audience in audiences:
            keys = {"audiences": audience, "pillar": values["pillar"], "kind": values["kind"]}
            group = tuple(keys[key] for key in group_by)
            counts[group] += 1
            participants[group] += values["participants"] or 0
    got = {
        tuple(g[key] for key in group_by): (g["count"], g["participants"]) for g in report.groups
    }
    wanted = {group: (counts[group], participants[group]) for group in counts}
    assert got == (wanted if group_by else {(): (total, summed)})
    assert (report.total, report.participants) == (total, summed)
