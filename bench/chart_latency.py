"""p50/p95 time to make the progress chart and a burn-up chart (SVG and PNG) from the
response models, without HTTP or the database in the timing (target: SVG ≤ 300 ms):

    DATABASE_URL=sqlite:////tmp/demo.db python -m app.cli seed-demo
    python bench/chart_latency.py --database-url sqlite:////tmp/demo.db
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.exports.charts import progress_chart, series_chart  # noqa: E402
from app.main import freeze_startup_heap  # noqa: E402
from app.progress import service  # noqa: E402
from app.progress.schemas import Interval  # noqa: E402
from app.progress.windows import Window  # noqa: E402


def _p50_p95(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[max(0, int(len(values) * 0.95) - 1)]


def _time(make: Callable[[], bytes], runs: int) -> tuple[float, float, float, float, int]:
    """Wall and CPU milliseconds (CPU is what the render itself costs on a busy machine)."""
    make()  # the first render loads fonts
    wall, cpu = [], []
    size = 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        size = len(make())
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (*_p50_p95(wall), *_p50_p95(cpu), size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with Session(make_engine(args.database_url)) as session:
        progress = service.progress(session, "2023-2024", Window(None, None))
        series = service.series(
            session, "p1-integrale-controles", "2023-2024", Window(None, None), Interval.MONTH
        )
    freeze_startup_heap()  # as the service does once it has started
    indicators = sum(len(pillar.indicators) for pillar in progress.pillars)
    print(f"progress: {indicators} indicators; series: {len(series.points)} months")
    print("| chart | format | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms | bytes |")
    print("|---|---|---|---|---|---|---|")
    for image_format in ("svg", "png"):
        for name, make in (
            ("progress", lambda f=image_format: progress_chart(progress, f)),
            ("burn-up", lambda f=image_format: series_chart(series, "Integrale controles", f)),
        ):
            p50, p95, cpu50, cpu95, size = _time(make, args.runs)
            print(
                f"| {name} | {image_format} | {p50:.0f} | {p95:.0f} | {cpu50:.0f} | {cpu95:.0f} "
                f"| {size} |"
            )


if __name__ == "__main__":
    main()
