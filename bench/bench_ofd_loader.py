"""ОФД receipt loader throughput: receipts/s and lines/s of parsing and of the inbox load
(figures printed, never asserted).

    .venv/bin/python bench/bench_ofd_loader.py [--factor F] [--seed S]

Generates a small seed's tables (no database) and writes its stores' receipt files with the
demo receipt rate times F (operational_app/seed/retail.py) into a temporary inbox, parses
every file in memory (bytes already read), then loads the inbox into an in-memory DuckDB with
ingest_receipts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from ingestion.ofd.inbox import ingest_receipts
from ingestion.ofd.receipts import parse
from operational_app.seed import Scale
from operational_app.seed.entry_model import add_entry_model
from operational_app.seed.generator import generate
from operational_app.seed.retail import add_retail, write_ofd_inbox

SEED_SCALE = Scale(deals=150, partners=30, managers=4, operators=2)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--factor", type=float, default=5.0)
    args.add_argument("--seed", type=int, default=1)
    opts = args.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        as_of = dt.date(2026, 1, 20)
        generated = generate(SEED_SCALE, opts.seed, as_of, lambda *_: None)
        tables = add_retail(add_entry_model(generated, opts.seed, as_of))
        inbox = work / "inbox" / "ofd"
        started = time.perf_counter()
        counts = write_ofd_inbox(inbox, tables, opts.seed, as_of, opts.factor)
        written = time.perf_counter() - started
        files = sorted(path for path in inbox.glob("*.json") if not path.name.startswith("."))
        megabytes = sum(path.stat().st_size for path in files) / 2**20
        print(
            f"written: {counts['files']} files, {counts['receipts']:,} receipts, "
            f"{counts['lines']:,} lines, {megabytes:.1f} MB in {written:.1f} s"
        )
        contents = [(path.name, path.read_bytes()) for path in files]
        started = time.perf_counter()
        for name, data in contents:
            parse(data, f"ofd/{name}")
        parsed = time.perf_counter() - started
        print(
            f"parse:   {counts['receipts'] / parsed:,.0f} receipts/s, "
            f"{counts['lines'] / parsed:,.0f} lines/s, {megabytes / parsed:.1f} MB/s"
        )
        con = duckdb.connect()
        started = time.perf_counter()
        report = ingest_receipts(inbox, con, work / "quarantine", "bench")
        loaded = time.perf_counter() - started
        print(
            f"load:    {report.receipts_loaded:,} receipts in {loaded:.2f} s: "
            f"{report.receipts_loaded / loaded:,.0f} receipts/s, "
            f"{report.lines_loaded / loaded:,.0f} lines/s, "
            f"{report.files_loaded / loaded:,.0f} files/s"
        )


if __name__ == "__main__":
    main()
