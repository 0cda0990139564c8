"""Benchmark: a full pipeline run, then ~1% of deals changed, then an incremental run.

    .venv/bin/python bench/bench_incremental.py --scale large     (or: crm bench incremental)
    .venv/bin/python bench/bench_incremental.py --data-dir D --incremental-only --full-seconds S
        (one more incremental run on the data dir of an earlier run, after a warm-up run)
    --repeat N: N incremental runs, each after its own change, and their median and spread

The full run starts with no warehouse at all, as the first run on a new machine does: it loads
every GIS file and its publish copies every table (a reused data directory would otherwise let
it keep what an earlier run loaded and published). At scale large the GIS inbox holds ≈1M
exchange events (bench/gis_inbox.py, `--gis-events`); the incremental run rescans it.
Prints the time and peak memory (RSS of this process, which runs dbt, plus the GIS reading
processes, sampled by bench/memory.py) of every step of both runs and the incremental/full
ratio; nothing is asserted.
The issue's targets at `large` (≈1M deals): incremental run < 20 s and < 15% of the full run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
from sqlalchemy import func, select, text

from crm.pipeline import PipelineOutcome, run_full_pipeline, step_intervals
from crm.settings import Settings, get_settings
from ingestion.publish import PREVIOUS_DIR_NAME
from operational_app.db.models import Deal
from operational_app.db.session import create_oltp_engine
from operational_app.seed import seed_database

# bench/ is not a package; `crm bench` runs this file with runpy, which does not put its folder on
# sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gis_inbox import write_bench_gis_inbox  # noqa: E402
from memory import MemorySampler, Sample, mib  # noqa: E402

AS_OF = dt.date(2026, 11, 1)
GIS_EVENTS = {"demo": 0, "small": 0, "medium": 0, "large": 1_000_000}
INCREMENTAL_TARGET_SECONDS = 20.0
INCREMENTAL_TARGET_SHARE = 0.15


def deal_count(url: str) -> int:
    engine = create_oltp_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Deal)).scalar_one()
    except Exception:  # noqa: BLE001 - no schema yet means no deals
        return 0
    finally:
        engine.dispose()


def change_deals(url: str, share: float, stamp: dt.datetime, offset: int = 0) -> dict[str, int]:
    """Touch about `share` of all deals the way operators do, stamping `updated_at`. Another
    `offset` picks other deals (a repeated incremental run would find the same ones lost)."""
    every = max(1, round(1 / share))
    later = stamp.strftime("%Y-%m-%d %H:%M:%S.%f")

    def one_in(times: int, column: str, residue: int) -> str:
        """Every (times * every)-th row by `column`, shifted by `offset`."""
        modulus = times * every
        return f"{column} % {modulus} = {(offset + residue) % modulus}"

    statements = {
        # open deals lost, others re-estimated, some get a history correction only, and a few
        # are soft-deleted with their history: together about `share` of all deals
        "lost": "update deals set status = 'lost', closed_at = :later, updated_at = :later, "
        "loss_reason_id = (select min(id) from loss_reasons), version = version + 1 "
        f"where status = 'in_progress' and {one_in(1, 'id', 0)}",
        "re-estimated": "update deals set probability = 5, updated_at = :later, "
        f"version = version + 1 where {one_in(2, 'id', 1)}",
        "history corrected": "update deal_stage_history set updated_at = :later, "
        f"version = version + 1 where {one_in(2, 'deal_id', 3)}",
        "deleted": "update deals set deleted_at = :later, updated_at = :later "
        f"where {one_in(10, 'id', 4)}",
        "deleted history": "update deal_stage_history set deleted_at = :later, "
        f"updated_at = :later where {one_in(10, 'deal_id', 4)}",
    }
    engine = create_oltp_engine(url)
    try:
        with engine.begin() as connection:
            return {
                name: connection.execute(text(sql), {"later": later}).rowcount
                for name, sql in statements.items()
            }
    finally:
        engine.dispose()


def remove_warehouse(settings: Settings) -> None:
    """Everything the pipeline wrote: build database, published warehouse, GIS quarantine."""
    published = settings.published_database_path
    published.unlink(missing_ok=True)
    published.with_name(f"{published.name}.wal").unlink(missing_ok=True)
    shutil.rmtree(published.parent / PREVIOUS_DIR_NAME, ignore_errors=True)
    shutil.rmtree(settings.parquet_dir, ignore_errors=True)
    shutil.rmtree(settings.build_dir, ignore_errors=True)
    shutil.rmtree(settings.gis_quarantine_dir, ignore_errors=True)


def timed_run(
    settings: Settings, full_refresh: bool
) -> tuple[float, PipelineOutcome, MemorySampler, dict[str, Sample | None]]:
    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    with MemorySampler() as sampler:
        outcome = run_full_pipeline(settings, instance=instance, full_refresh=full_refresh)
    seconds = time.perf_counter() - started
    return seconds, outcome, sampler, sampler.step_peaks(step_intervals(instance, outcome.run_id))


def report(
    label: str,
    seconds: float,
    outcome: PipelineOutcome,
    sampler: MemorySampler,
    peaks: dict[str, Sample | None],
) -> None:
    print(f"  {'step':<40} {'seconds':>8}    {'peak RSS MiB (all / children)':>30}")
    for step, step_seconds in outcome.step_seconds.items():
        peak = peaks.get(step)
        print(f"  {step:<40} {step_seconds:8.1f} s  {mib(peak)} / {mib(peak, children=True)}")
    print(
        f"{label:<16}{seconds:8.1f} s  success={outcome.success}  "
        f"peak {mib(sampler.peak()).strip()} MiB (before the run {mib(sampler.baseline).strip()})"
    )
    for step, message in outcome.failed_steps:
        print(f"  failed {step}: {message}")


def run_incremental(
    settings: Settings, share: float, full_seconds: float | None, offset: int = 0
) -> float:
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    changed = change_deals(settings.oltp_url, share, stamp, offset)
    print("changed rows: " + ", ".join(f"{name} {count:,}" for name, count in changed.items()))
    incremental_seconds, incremental, sampler, peaks = timed_run(settings, full_refresh=False)
    report("incremental run", incremental_seconds, incremental, sampler, peaks)
    if full_seconds:
        print(
            f"incremental / full = {incremental_seconds / full_seconds:.1%} "
            f"(targets at large: < 20 s and < 15%)"
        )
    return incremental_seconds


def run_incremental_series(
    settings: Settings, share: float, full_seconds: float | None, repeat: int, offset: int = 0
) -> None:
    """`repeat` incremental runs, each after its own change of `share` of the deals (other
    deals each time), then their spread: on a shared 2-core machine one run can be a second
    off either way."""
    seconds = [
        run_incremental(settings, share, full_seconds, offset + run * 7_919)
        for run in range(repeat)
    ]
    if repeat < 2:
        return
    under = sum(1 for value in seconds if value < INCREMENTAL_TARGET_SECONDS)
    line = (
        f"incremental runs: {', '.join(f'{value:.1f}' for value in seconds)} s; "
        f"median {statistics.median(seconds):.1f} s, {under} of {repeat} under "
        f"{INCREMENTAL_TARGET_SECONDS:g} s"
    )
    if full_seconds:
        share_of_full = [value / full_seconds for value in seconds]
        under_share = sum(1 for value in share_of_full if value < INCREMENTAL_TARGET_SHARE)
        line += (
            f"; median {statistics.median(share_of_full):.1%} of the full run, {under_share} "
            f"of {repeat} under {INCREMENTAL_TARGET_SHARE:.0%}"
        )
    print(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["demo", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--share", type=float, default=0.01, help="share of deals to change")
    parser.add_argument("--data-dir", help="reuse this data dir (default: a temporary one)")
    parser.add_argument(
        "--reuse-oltp", action="store_true", help="keep an already seeded OLTP database"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    parser.add_argument(
        "--gis-events",
        type=int,
        help="GIS exchange events in the inbox (default: 1,000,000 at large, none below)",
    )
    parser.add_argument(
        "--incremental-only",
        action="store_true",
        help="skip seeding and the full run: after a warm-up run with nothing changed, change "
        "deals in the data dir and run incremental (other deals each time; needs --data-dir "
        "of an earlier run)",
    )
    parser.add_argument(
        "--full-seconds", type=float, help="full run time to print the ratio against"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="incremental runs, each after its own change"
    )
    args = parser.parse_args(argv)
    if args.incremental_only:
        if not args.data_dir:
            parser.error("--incremental-only needs --data-dir of an earlier run")
        settings = get_settings({"CRM_DATA_DIR": args.data_dir})
        if not settings.published_database_path.exists():
            parser.error(f"no published warehouse in {args.data_dir}; run without the flag")
        # As after the full run of a whole benchmark, the timed run is this process's second:
        # the first pays for loading the job and the dbt manifest.
        warm_up_seconds, warm_up, *_ = timed_run(settings, full_refresh=False)
        print(f"warm-up run (nothing changed) {warm_up_seconds:.1f} s success={warm_up.success}")
        run_incremental_series(
            settings, args.share, args.full_seconds, args.repeat, offset=time.time_ns() // 1000
        )
        return

    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="crm-inc-"))
    settings = get_settings({"CRM_DATA_DIR": str(data_dir)})
    print(f"scale={args.scale} data_dir={data_dir}")
    if args.reuse_oltp and deal_count(settings.oltp_url):
        print(f"reusing the OLTP database with {deal_count(settings.oltp_url):,} deals")
    else:
        started = time.perf_counter()
        seed_database(
            settings.oltp_url, scale=args.scale, seed=args.seed, as_of=AS_OF, replace=True
        )
        print(f"seed            {time.perf_counter() - started:8.1f} s")

    gis_events = args.gis_events if args.gis_events is not None else GIS_EVENTS[args.scale]
    if gis_events:
        started = time.perf_counter()
        inbox = write_bench_gis_inbox(settings.oltp_url, settings.gis_inbox_dir, gis_events)
        print(
            f"gis inbox       {time.perf_counter() - started:8.1f} s  {inbox['events']:,} events "
            f"in {inbox['documents']:,} documents ({inbox['egais_files'] + inbox['vetis_files']:,}"
            f" XML files, {inbox['gismt_files']:,} JSON pages, "
            f"{inbox['malformed_files']} malformed)"
        )
    remove_warehouse(settings)
    full_seconds, full, full_sampler, full_peaks = timed_run(settings, full_refresh=True)
    report("full run", full_seconds, full, full_sampler, full_peaks)

    run_incremental_series(settings, args.share, full_seconds, args.repeat)
    if not args.data_dir and not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
