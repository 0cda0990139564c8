"""`crm import` at scale: a synthetic sales_pipeline.csv of N rows (the Maven export's columns,
deterministic) imported with the shipped Maven deals mapping, dry run by default, into a fresh
SQLite database; prints rows/s and the process's peak RSS (issue 17 target: a 1M-row dry run
within 300 MB).

    crm bench import --rows 1000000 [--real] [--keep DIR]

Run each size in its own process (the peak RSS is the process's maximum so far).

Measured (2-core VM shared with other jobs, load 3-4; 1M rows = 67.8 MB; 141 MB RSS before the
import, the libraries):
- rows held as one list:         100k dry run 24.1 s, peak 256 MB; 1M 187.4 s, peak 609 MB
- rows streamed chunk by chunk:  100k 20.2 s, peak 198 MB
- and lines sliced lazily:       1M 256.4 s (under load), peak 337 MB
- the file read line by line (the encoding checked in 256 KB pieces, no decoded text held) and
  the keys seen kept as 128-bit digests in numpy arrays (seen.py): 1M dry run 260.9 s
  (3,834 rows/s, 2 cores shared by 8 jobs), peak 193 MB (144 MB before the import).
Still proportional to the file, but small: 20 bytes per key seen (20 MB at 1M rows). A file that
is not UTF-8 (or has a bad byte) is still read whole once, to judge its encoding.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import tempfile
import time
from pathlib import Path

from operational_app.importer import run_import

MAPPING = (
    Path(__file__).resolve().parent.parent
    / "operational_app"
    / "importer"
    / "mappings"
    / "maven_sales_pipeline_deals.yml"
)
PRODUCTS = ["GTX Basic", "GTXPro", "MG Special", "MG Advanced", "GTX Plus Pro", "GTX Plus Basic"]
STAGES = ["Prospecting", "Engaging", "Won", "Lost"]


def write_file(path: Path, rows: int, seed: int = 17) -> None:
    rng = random.Random(seed)
    agents = [f"Agent {index:02d}" for index in range(30)]
    accounts = [f"Account {index:03d}" for index in range(85)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "opportunity_id",
                "sales_agent",
                "product",
                "account",
                "deal_stage",
                "engage_date",
                "close_date",
                "close_value",
            ]
        )
        for index in range(rows):
            stage = rng.choice(STAGES)
            engage = "" if stage == "Prospecting" else f"2017-{rng.randint(1, 6):02d}-15"
            close = f"2017-{rng.randint(7, 12):02d}-01" if stage in ("Won", "Lost") else ""
            value = str(rng.randint(100, 30_000)) if stage == "Won" else ("0" if close else "")
            account = "" if stage in ("Prospecting", "Engaging") and index % 6 == 0 else None
            writer.writerow(
                [
                    f"B{index:09d}",
                    rng.choice(agents),
                    rng.choice(PRODUCTS),
                    rng.choice(accounts) if account is None else account,
                    stage,
                    engage,
                    close,
                    value,
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--real", action="store_true", help="write instead of a dry run")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        source = work / f"pipeline_{args.rows}.csv"
        started = time.perf_counter()
        write_file(source, args.rows)
        print(
            f"file: {args.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        url = f"sqlite:///{work / 'crm.sqlite3'}"
        started = time.perf_counter()
        summary = run_import(url, "deals", source, MAPPING, dry_run=not args.real)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        mode = "import" if args.real else "dry run"
        print(
            f"{mode}: {summary.read:,} rows in {seconds:.1f} s = {summary.read / seconds:,.0f} "
            f"rows/s; {summary.imported:,} imported, {summary.failed_rows:,} rows with errors"
        )
        print(f"peak RSS: {peak:.0f} MB (before the import: {before:.0f} MB)")


if __name__ == "__main__":
    main()
