"""Benchmark: seed a scale, then run the full pipeline, printing the time of every step.

    .venv/bin/python bench/bench_pipeline.py --scale large        (or: crm bench pipeline)

Figures are printed, never asserted. Peak memory per step: RSS of this process plus its children
(the GIS reading pool), sampled every 0.2 s (bench/memory.py) and attributed to steps by their
start/end in the Dagster event log; at the end, the process's max RSS (ru_maxrss), which includes
dbt (it runs in this process), and that of its children (the largest GIS reading process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from crm.pipeline import run_full_pipeline, step_intervals
from crm.settings import get_settings
from operational_app.seed import seed_database

# bench/ is not a package; `crm bench` runs this file with runpy, which does not put its folder on
# sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import MemorySampler, mib  # noqa: E402


def max_rss_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["demo", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", help="reuse this data dir (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    args = parser.parse_args(argv)

    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="crm-bench-"))
    settings = get_settings({"CRM_DATA_DIR": str(data_dir)})
    print(f"scale={args.scale} data_dir={data_dir}")

    started = time.perf_counter()
    counts = seed_database(
        settings.oltp_url,
        scale=args.scale,
        seed=args.seed,
        as_of=dt.date(2026, 11, 1),
        replace=True,
    )
    seed_seconds = time.perf_counter() - started
    total_rows = sum(counts.values())
    print(
        f"seed            {seed_seconds:8.1f} s  {total_rows:>12,} rows  "
        f"{total_rows / seed_seconds:>10,.0f} rows/s"
    )
    print(f"  deals {counts.get('deals', 0):,}, history {counts.get('deal_stage_history', 0):,}")

    instance = dg.DagsterInstance.ephemeral()
    started = time.perf_counter()
    with MemorySampler() as sampler:
        outcome = run_full_pipeline(settings, instance=instance)
    pipeline_seconds = time.perf_counter() - started
    peaks = sampler.step_peaks(step_intervals(instance, outcome.run_id))
    print(f"  {'step':<40} {'seconds':>8}    {'peak RSS MiB (all / children)':>30}")
    for step, seconds in outcome.step_seconds.items():
        peak = peaks.get(step)
        print(f"  {step:<40} {seconds:8.1f} s  {mib(peak)} / {mib(peak, children=True)}")
    print(
        f"pipeline        {pipeline_seconds:8.1f} s  success={outcome.success}  "
        f"peak {mib(sampler.peak()).strip()} MiB (before the run {mib(sampler.baseline).strip()})"
    )
    print(
        f"peak RSS: this process {max_rss_mib(resource.RUSAGE_SELF):,.0f} MiB, "
        f"children {max_rss_mib(resource.RUSAGE_CHILDREN):,.0f} MiB"
    )
    if not args.data_dir and not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
