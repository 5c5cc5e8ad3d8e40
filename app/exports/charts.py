"""Charts of progress (per pillar) and of a series (a burn-up), drawn by matplotlib without a
display, in Dutch, in the Okabe-Ito palette that colour-blind readers can tell apart, and
byte-for-byte the same for the same figures."""

import datetime as dt
import io
import textwrap

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from app.exports.formats import xml_text
from app.progress.schemas import (
    IndicatorProgress,
    ProgressReport,
    ProgressStatus,
    SeriesReport,
)
from app.progress.windows import MONTHS

# No display: figures are drawn into memory (the charts use no pyplot state either).
matplotlib.use("Agg")

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
SKY = "#56B4E9"
GREY = "#999999"
# Orange darkened for text on white (the line itself keeps the palette's orange).
ORANGE_TEXT = "#9A6A00"
INK = "#222222"

STATUS_COLOURS = {
    ProgressStatus.NIET_GESTART: GREY,
    ProgressStatus.GESTART: SKY,
    ProgressStatus.AFGEROND: GREEN,
}
STATUS_LABELS = {
    ProgressStatus.OP_SCHEMA: "op schema",
    ProgressStatus.ACHTER: "achter",
    ProgressStatus.GEEN_DOEL: "geen doel",
    ProgressStatus.NIET_GESTART: "niet gestart",
    ProgressStatus.GESTART: "gestart",
    ProgressStatus.AFGEROND: "afgerond",
}

matplotlib.rcParams.update(
    {
        # The font matplotlib ships, so that every machine draws the same glyphs.
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "svg.hashsalt": "ondermijningsmonitor",
        # Text stays text: searchable, selectable, and smaller.
        "svg.fonttype": "none",
        # Titles are data: a `$` in one is a dollar, never the start of a formula.
        "text.parse_math": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": GREY,
        "axes.titlelocation": "left",
        "axes.titleweight": "bold",
        "text.color": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
    }
)
# No creation date or software version in the file: the same figures give the same bytes.
METADATA = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
}
DPI = 100


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dutch_window(starts_on: dt.date, ends_on: dt.date) -> str:
    return f"{dutch_date(starts_on)} t/m {dutch_date(ends_on)}"


def number(value: float) -> str:
    """Dutch notation: a decimal comma, one decimal unless whole."""
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}".replace(".", ",")


def _render(figure: Figure, image_format: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=image_format, dpi=DPI, metadata=METADATA[image_format])
    return buffer.getvalue()


def _wrapped(title: str) -> str:
    title = xml_text(title)
    return "\n".join(textwrap.wrap(title, 38)) or title


def _count_label(indicator: IndicatorProgress) -> str:
    actual = indicator.actual or 0
    if indicator.expected is None:
        return f"{actual} (geen doel)"
    status = STATUS_LABELS[indicator.status]
    share = f"{round(indicator.ratio * 100)}%, " if indicator.ratio is not None else ""
    return f"{actual} van {number(indicator.expected)} verwacht ({share}{status})"


def _pillar(axes: Axes, position: int, title: str, indicators: list[IndicatorProgress]) -> None:
    axes.set_title(f"{position}. {xml_text(title)}", fontsize=11, pad=8)
    counts = [i for i in indicators if i.actual is not None]
    largest = max([1.0, *((i.actual or 0) for i in counts), *((i.expected or 0) for i in counts)])
    rows = list(reversed(indicators))
    for row, indicator in enumerate(rows):
        if indicator.actual is not None:
            axes.barh(row + 0.18, indicator.actual, height=0.34, color=BLUE)
            if indicator.expected is not None:
                axes.barh(row - 0.18, indicator.expected, height=0.34, color=ORANGE)
            axes.text(
                max(indicator.actual, indicator.expected or 0) + largest * 0.02,
                row,
                _count_label(indicator),
                va="center",
                fontsize=9,
            )
        else:
            colour = STATUS_COLOURS.get(indicator.status, GREY)
            axes.plot([largest * 0.03], [row], marker="D", markersize=10, color=colour)
            axes.text(
                largest * 0.07,
                row,
                f"mijlpaal: {STATUS_LABELS[indicator.status]}",
                va="center",
                fontsize=9,
                color=INK,
            )
    axes.set_yticks(range(len(rows)), [_wrapped(i.title) for i in rows], fontsize=9)
    axes.set_xlim(0, largest * 1.75)
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.tick_params(axis="y", length=0)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def progress_chart(report: ProgressReport, image_format: str) -> bytes:
    """A panel per pillar: for each count indicator the actual (blue) against the expected so
    far (orange), both labelled; each milestone by its status."""
    pillars = [pillar for pillar in report.pillars if pillar.indicators] or report.pillars
    # Fixed margins in inches rather than a layout engine: laying out every label again on
    # each render cost more than the drawing itself.
    width, left, right, top, bottom, gap, row = 10.0, 3.1, 0.3, 0.7, 0.6, 0.75, 0.68
    heights = [max(1, len(pillar.indicators)) * row for pillar in pillars]
    height = top + sum(heights) + gap * len(pillars) + bottom
    figure = Figure(figsize=(width, height))
    figure.text(
        0.02,
        1 - 0.3 / height,
        f"Voortgang uitvoeringsplan {report.plan}, "
        + dutch_window(report.starts_on, report.ends_on),
        fontsize=13,
        fontweight="bold",
        va="center",
    )
    upper = height - top
    for position, (pillar, panel) in enumerate(zip(pillars, heights, strict=True), start=1):
        upper -= 0.3
        axes = figure.add_axes(
            (left / width, (upper - panel) / height, 1 - (left + right) / width, panel / height)
        )
        _pillar(axes, position, pillar.title, pillar.indicators)
        upper -= panel + gap - 0.3
    figure.legend(
        handles=[
            Patch(color=BLUE, label="Gerealiseerd"),
            Patch(color=ORANGE, label="Verwacht naar rato van het doel"),
            *(
                Line2D(
                    [],
                    [],
                    marker="D",
                    linestyle="",
                    markersize=9,
                    color=colour,
                    label=f"Mijlpaal {STATUS_LABELS[status]}",
                )
                for status, colour in STATUS_COLOURS.items()
            ),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncols=5,
        frameon=False,
        fontsize=9,
    )
    return _render(figure, image_format)


def _label(axes: Axes, x: int, value: float, above: bool, colour: str, *, bold: bool) -> None:
    axes.annotate(
        number(value),
        (x, value),
        textcoords="offset points",
        xytext=(0, 8 if above else -15),
        ha="center",
        color=colour,
        fontsize=9,
        fontweight="bold" if bold else "normal",
    )


def series_chart(report: SeriesReport, title: str, image_format: str) -> bytes:
    """A burn-up: the cumulative actual (blue, solid) against the cumulative expected
    (orange, dashed) at the end of each interval, values labelled."""
    figure = Figure(figsize=(10, 5.5))
    axes = figure.add_axes((0.08, 0.17, 0.9, 0.72))
    figure.text(
        0.02,
        0.95,
        f"Burn-up: {xml_text(title)}, {dutch_window(report.starts_on, report.ends_on)}",
        fontsize=13,
        fontweight="bold",
        va="center",
    )
    labels = [point.period for point in report.points]
    positions = list(range(len(labels)))
    actual = [float(point.cumulative_actual) for point in report.points]
    expected = [point.expected for point in report.points]
    has_target = all(value is not None for value in expected)
    values = [float(value or 0) for value in expected]
    axes.plot(
        positions, actual, color=BLUE, marker="o", linewidth=2.5, label="Gerealiseerd (cumulatief)"
    )
    if has_target:
        axes.plot(
            positions,
            values,
            color=ORANGE,
            linestyle="--",
            marker="s",
            linewidth=2,
            label="Verwacht naar rato van het doel (cumulatief)",
        )
    for x, done in enumerate(actual):
        # The higher of the two values is labelled above its point, the lower below, so
        # that labels never sit on each other where the lines cross.
        above = not has_target or done >= values[x]
        _label(axes, x, done, above, BLUE, bold=True)
        if has_target:
            _label(axes, x, values[x], not above, ORANGE_TEXT, bold=False)
    axes.set_xticks(positions, labels, rotation=45 if len(labels) > 12 else 0, fontsize=9)
    axes.set_xlabel(
        {"month": "Maand", "quarter": "Kwartaal", "year": "Jaar"}[report.interval.value]
    )
    axes.set_ylabel("Aantal sinds het begin van de periode")
    axes.set_ylim(bottom=0)
    axes.margins(y=0.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.legend(frameon=False, loc="upper left")
    return _render(figure, image_format)
