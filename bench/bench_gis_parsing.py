"""GIS exchange parsing throughput: events/s per format, and the inbox load (figures printed).

    .venv/bin/python bench/bench_gis_parsing.py [--documents N] [--seed S]

Generates N sample documents with the seed (operational_app.seed.gis_files) into a temporary
inbox, parses every
file of each system in memory (bytes already read), then loads the whole inbox into an
in-memory DuckDB with ingest_inbox (one transaction per file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from ingestion.gis import egais, gismt, vetis
from ingestion.gis.events import GisParseError
from ingestion.gis.identities import OrganizationIdentity, build_identities
from ingestion.gis.inbox import ingest_inbox
from operational_app.seed.gis_files import SampleDocument, sample_organizations, write_sample_inbox

PARSERS = {"egais": egais.parse, "vetis": vetis.parse, "gismt": gismt.parse}


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--documents", type=int, default=5000)
    args.add_argument("--seed", type=int, default=1)
    opts = args.parse_args()
    docs = [
        SampleDocument(
            reference=f"ЗК-{i:06d}",
            organization_inn="7707083893",
            counterparty_inn="5008012345",
            date=dt.date(2024, 1, 1) + dt.timedelta(days=i % 90),
            systems=("egais", "vetis", "gismt"),
        )
        for i in range(1, opts.documents + 1)
    ]
    # our organizations' FSRAR IDs decide direction
    identities = build_identities([OrganizationIdentity(**o) for o in sample_organizations(docs)])
    with tempfile.TemporaryDirectory() as tmp:
        box = Path(tmp) / "inbox"
        started = time.perf_counter()
        tallies = write_sample_inbox(box, docs, opts.seed)
        print(f"generated {opts.documents} documents in {time.perf_counter() - started:.2f} s")
        for system, parse in PARSERS.items():
            blobs = [(p.name, p.read_bytes()) for p in sorted((box / system).iterdir())]
            size = sum(len(b) for _, b in blobs)
            events = rejected = 0
            started = time.perf_counter()
            for name, blob in blobs:
                try:
                    events += len(parse(blob, name, identities))
                except GisParseError:
                    rejected += 1
            seconds = time.perf_counter() - started
            print(
                f"{system:6} {len(blobs):6} files {size / 1e6:7.1f} MB {events:7} events "
                f"{seconds:6.2f} s  {events / seconds:9,.0f} events/s  "
                f"{size / 1e6 / seconds:6.1f} MB/s  ({rejected} malformed)"
            )
        con = duckdb.connect()
        con.sql("select 1").fetchall()
        started = time.perf_counter()
        report = ingest_inbox(box, con, Path(tmp) / "quarantine", "bench", identities=identities)
        seconds = time.perf_counter() - started
        print(
            f"ingest_inbox: {report.files_loaded} files, {report.events_loaded} events, "
            f"{report.files_quarantined} quarantined in {seconds:.2f} s "
            f"({report.events_loaded / seconds:,.0f} events/s, "
            f"{report.files_loaded / seconds:,.0f} files/s); expected events {tallies['events']}"
        )


if __name__ == "__main__":
    main()
