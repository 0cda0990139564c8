"""Benchmark: how cost grows with the data, scale by scale (issue #23).

    .venv/bin/python bench/bench_growth.py --scales demo small medium large [--floor] [--spark]
    (or: crm bench growth ...)

For each scale, in its own data directory: seed, a full run from no warehouse, ~1% of the deals
changed (bench_incremental.change_deals), an incremental run. Each run prints every step's time
and peak memory (bench/memory.py), and the run's seconds and MiB per thousand deals.
`--floor`: after the full run, its floor (bench_floor: extract by bare connectorx, the compiled
SQL of every model and test run directly in DuckDB) and pipeline / floor for the scale.
`--spark`: last, the same job with Spark as the dbt engine on the same data (optional group
`spark`, Java 17+): its time per step beside DuckDB's. A Spark run always builds every model.
A table of all scales closes the output. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from crm.settings import Settings, get_settings
from operational_app.seed import SCALES, seed_database

# bench/ is not a package; `crm bench` runs this file with runpy, which does not put its folder on
# sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_incremental import change_deals, deal_count, remove_warehouse, timed_run  # noqa: E402
from memory import mib  # noqa: E402

AS_OF = dt.date(2026, 11, 1)
DBT_STEP = "crm_dbt_models"
EXTRACT_STEP = "raw_oltp_tables"
# The budgets: the largest scale one machine handles is the largest within both.
FULL_BUDGET_SECONDS = 180.0
INCREMENTAL_BUDGET_SECONDS = 20.0


@dataclasses.dataclass
class RunFigures:
    seconds: float
    peak_mib: float
    steps: dict[str, float]
    success: bool


@dataclasses.dataclass
class ScaleFigures:
    scale: str
    deals: int
    full: RunFigures | None = None
    incremental: RunFigures | None = None
    floor_seconds: float | None = None
    spark: RunFigures | None = None


def run(settings: Settings, label: str, full_refresh: bool) -> RunFigures:
    seconds, outcome, sampler, peaks = timed_run(settings, full_refresh=full_refresh)
    peak = sampler.peak()
    print(f"  {label}: {seconds:.1f} s, success={outcome.success}, peak {mib(peak).strip()} MiB")
    for step, step_seconds in outcome.step_seconds.items():
        step_peak = peaks.get(step)
        print(f"    {step:<38} {step_seconds:8.1f} s  {mib(step_peak).strip():>8} MiB")
    for step, message in outcome.failed_steps:
        print(f"    failed {step}: {message}")
    return RunFigures(
        seconds=seconds,
        peak_mib=(peak.total if peak else 0) / 2**20,
        steps=dict(outcome.step_seconds),
        success=outcome.success,
    )


def floor_seconds(settings: Settings) -> float:
    """The floor of the full run just made (bench_floor's parts a and b, tests included)."""
    from bench_floor import extract_floor, mart_floor

    scratch = Path(tempfile.mkdtemp(prefix="floor-", dir=settings.data_dir))
    try:
        extract, _ = extract_floor(settings.oltp_url, scratch)
        models, tests, *_ = mart_floor(settings.build_database_path, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return extract + models + tests


def measure_scale(scale: str, args: argparse.Namespace, root: Path) -> ScaleFigures:
    data_dir = root / scale
    settings = get_settings({"CRM_DATA_DIR": str(data_dir)})
    print(f"\n== scale {scale} (data dir {data_dir})")
    if not (args.reuse_oltp and deal_count(settings.oltp_url)):
        started = time.perf_counter()
        seed_database(settings.oltp_url, scale=scale, seed=args.seed, as_of=AS_OF, replace=True)
        print(f"  seed: {time.perf_counter() - started:.1f} s")
    figures = ScaleFigures(scale, deal_count(settings.oltp_url))
    remove_warehouse(settings)
    figures.full = run(settings, "full run", full_refresh=True)
    if args.floor:
        figures.floor_seconds = floor_seconds(settings)
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    changed = change_deals(settings.oltp_url, args.share, stamp)
    print("  changed rows: " + ", ".join(f"{name} {count:,}" for name, count in changed.items()))
    figures.incremental = run(settings, "incremental run", full_refresh=False)
    if args.spark:
        figures.spark = run(
            dataclasses.replace(settings, dbt_engine="spark"), "spark run", full_refresh=False
        )
    return figures


def per_thousand(value: float, deals: int) -> str:
    return f"{value / max(deals, 1) * 1000:8.3f}"


def summary(all_figures: list[ScaleFigures]) -> None:
    print(
        "\nscale      deals   full s  s/1k deals  peak MiB  MiB/1k  incr s  incr s/1k"
        "  dbt s (duckdb)  floor s  pipeline/floor  spark run s  dbt s (spark)"
    )
    largest = None
    for figures in all_figures:
        full, incremental = figures.full, figures.incremental
        assert full is not None and incremental is not None
        ratio = f"{full.seconds / figures.floor_seconds:14.2f}" if figures.floor_seconds else "-"
        spark_run = f"{figures.spark.seconds:11.1f}" if figures.spark else "-"
        spark_dbt = f"{figures.spark.steps.get(DBT_STEP, 0):13.1f}" if figures.spark else "-"
        floor = f"{figures.floor_seconds:7.1f}" if figures.floor_seconds else "-"
        print(
            f"{figures.scale:<8} {figures.deals:>8,} {full.seconds:8.1f} "
            f"{per_thousand(full.seconds, figures.deals):>11} {full.peak_mib:9.0f} "
            f"{full.peak_mib / max(figures.deals, 1) * 1000:7.2f} {incremental.seconds:7.1f} "
            f"{per_thousand(incremental.seconds, figures.deals):>10} "
            f"{full.steps.get(DBT_STEP, 0):15.1f} {floor:>8} {ratio:>15} {spark_run:>12} "
            f"{spark_dbt:>14}"
        )
        if (
            full.success
            and full.seconds <= FULL_BUDGET_SECONDS
            and incremental.seconds <= INCREMENTAL_BUDGET_SECONDS
        ):
            largest = figures.scale
    print(
        f"largest scale within the budgets (full <= {FULL_BUDGET_SECONDS:g} s, incremental <= "
        f"{INCREMENTAL_BUDGET_SECONDS:g} s): {largest or 'none measured'}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["demo", "small"], choices=list(SCALES))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--share", type=float, default=0.01, help="share of deals to change")
    parser.add_argument("--floor", action="store_true", help="measure the floor of each full run")
    parser.add_argument(
        "--spark", action="store_true", help="also run the job with Spark as the dbt engine"
    )
    parser.add_argument("--data-dir", help="root of the per-scale data dirs (default: temporary)")
    parser.add_argument(
        "--reuse-oltp", action="store_true", help="keep an already seeded OLTP database"
    )
    args = parser.parse_args(argv)
    root = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="crm-growth-"))
    all_figures = []
    try:
        for scale in args.scales:
            all_figures.append(measure_scale(scale, args, root))
    finally:
        if all_figures:
            summary(all_figures)
        if not args.data_dir:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
