"""ОФД receipt loader throughput: receipts/s and lines/s of writing (the seed), parsing and
the inbox load, for the columnar fast path and the Python parser (figures printed, never
asserted).

    .venv/bin/python bench/bench_ofd_loader.py [--factor F] [--seed S] [--inbox DIR]
        [--paths columnar,python]

Generates a tiny seed's tables (no database) and writes receipt files as `crm seed` does at
scale factor F (deals / 2 000: demo 1, small 10, medium 100, large 500; the stores, registers
and days of retail_profile(F) and F times the demo receipt rate) into a temporary inbox, parses
a sample of files in memory (bytes already read: `columnar.parse_files` on one scratch
connection per core, and `receipts.parse` file by file), then loads the whole inbox into a
fresh DuckDB file with ingest_receipts, once per path (`columnar=True`, then `columnar=False`).
Process warm-up (imports DuckDB and pyarrow load lazily) runs before the clocks start. Each
load also prints the process's CPU time (all threads), steadier than the clock on a machine
shared with other work.
`--inbox DIR` skips the writing and reads an inbox already written (for example the one
`crm seed --scale large` filled).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from ingestion.gis.events import sha256_hex
from ingestion.ofd.columnar import parse_files, scratch_connection
from ingestion.ofd.inbox import COLUMNAR_WORKERS, ingest_receipts
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
    args.add_argument("--inbox", type=Path, default=None)
    args.add_argument(
        "--parse-files", type=int, default=2_000, help="files parsed in memory (a sample)"
    )
    args.add_argument(
        "--load-files",
        type=int,
        default=None,
        help="load only this many of the inbox's files (hard-linked into a scratch inbox)",
    )
    args.add_argument(
        "--paths", default="columnar,python", help="columnar, python or both, comma-separated"
    )
    opts = args.parse_args()
    paths = opts.paths.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        as_of = dt.date(2026, 1, 20)
        inbox = opts.inbox or work / "inbox" / "ofd"
        if opts.inbox is None:
            generated = generate(SEED_SCALE, opts.seed, as_of, lambda *_: None)
            tables = add_retail(add_entry_model(generated, opts.seed, as_of), opts.factor, as_of)
            started = time.perf_counter()
            counts = write_ofd_inbox(inbox, tables, opts.seed, as_of, opts.factor)
            written = time.perf_counter() - started
            print(
                f"written: {counts['files']:,} files, {counts['receipts']:,} receipts, "
                f"{counts['lines']:,} lines in {written:.1f} s: "
                f"{counts['receipts'] / written:,.0f} receipts/s, "
                f"{counts['lines'] / written:,.0f} lines/s"
            )
        files = sorted(path for path in inbox.glob("*.json") if not path.name.startswith("."))
        megabytes = sum(path.stat().st_size for path in files) / 2**20
        print(f"inbox:   {len(files):,} files, {megabytes:,.1f} MB")
        sample = [(path.name, path.read_bytes()) for path in files[: opts.parse_files]]
        sample_mb = sum(len(data) for _, data in sample) / 2**20
        _warm_up(work)
        if "columnar" in paths:
            scratches = [scratch_connection() for _ in range(COLUMNAR_WORKERS)]
            batch = [(f"ofd/{name}", sha256_hex(data), data) for name, data in sample]
            started = time.perf_counter()
            fast = parse_files(scratches, batch)
            parsed = time.perf_counter() - started
            print(
                f"parse columnar ({len(scratches)} connections): {len(sample):,} files: "
                f"{fast.receipts.num_rows / parsed:,.0f} receipts/s, "
                f"{fast.lines.num_rows / parsed:,.0f} lines/s, {sample_mb / parsed:.1f} MB/s, "
                f"{len(fast.deferred)} files left to the Python parser"
            )
            del fast, batch
        if "python" in paths:
            receipts = lines = 0
            started = time.perf_counter()
            for name, data in sample:
                parsed_receipts, parsed_lines = parse(data, f"ofd/{name}")
                receipts += len(parsed_receipts)
                lines += len(parsed_lines)
            parsed = time.perf_counter() - started
            print(
                f"parse python: {len(sample):,} files: {receipts / parsed:,.0f} receipts/s, "
                f"{lines / parsed:,.0f} lines/s, {sample_mb / parsed:.1f} MB/s"
            )
        del sample
        if opts.load_files is not None:
            scratch = work / "sample" / "ofd"
            scratch.mkdir(parents=True)
            for path in files[: opts.load_files]:
                try:
                    os.link(path, scratch / path.name)
                except OSError:
                    shutil.copyfile(path, scratch / path.name)
            inbox = scratch
        for path in paths:
            database = work / f"bench-{path}.duckdb"
            con = duckdb.connect(str(database))
            cpu_started = _cpu_seconds()
            started = time.perf_counter()
            report = ingest_receipts(
                inbox, con, work / f"quarantine-{path}", "bench", columnar=path == "columnar"
            )
            loaded = time.perf_counter() - started
            cpu = _cpu_seconds() - cpu_started
            con.close()
            database.unlink()
            print(
                f"load {path}: {report.receipts_loaded:,} receipts in {loaded:.2f} s: "
                f"{report.receipts_loaded / loaded:,.0f} receipts/s, "
                f"{report.lines_loaded / loaded:,.0f} lines/s, "
                f"{report.files_loaded / loaded:,.0f} files/s "
                f"({report.files_quarantined} quarantined); CPU {cpu:.2f} s of all threads, "
                f"{cpu / max(report.receipts_loaded, 1) * 1e6:.1f} us per receipt"
            )


def _cpu_seconds() -> float:
    """CPU time of this process, all threads (a shared machine slows the clock figures, much
    less this one)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _warm_up(work: Path) -> None:
    """Load an empty inbox once: the lazy imports of DuckDB, pyarrow and the inbox scan cost
    about a second in a fresh process, paid by the first load otherwise."""
    empty = work / "empty" / "ofd"
    empty.mkdir(parents=True)
    (empty / "a.json").write_text("[]", encoding="utf-8")
    ingest_receipts(empty, duckdb.connect(), work / "empty-quarantine", "warm-up")
    duckdb.connect().sql("select 1").to_arrow_table()


if __name__ == "__main__":
    main()
