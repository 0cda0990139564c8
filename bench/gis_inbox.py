"""GIS exchange files for the pipeline benchmarks at scale: ≈N events for the seeded orders.

`crm seed` writes GIS files only for the shipments of the last weeks (a few thousand documents
at scale large); the issue's scale large also has ≈1M GIS events. This writes, with the same
generator (operational_app.seed.gis_files), one document per shipment of a live order,
referencing the
order's number and the ИНН of the partner's first counterparty, and goes round the shipments
again (a day later, as a corrected resubmission would be) until about `events` events are
written. The inbox is written once per data directory: a marker holds what was asked and what
was written, and the same request reuses it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from operational_app.seed.gis_files import SampleDocument, write_sample_inbox

MARKER = ".bench-gis-inbox.json"
EVENTS_PER_DOCUMENT = 3.85  # what write_sample_inbox writes on average (measured, 20k documents)


def _shipments(oltp_url: str) -> list[tuple[str, str, str, dt.datetime]]:
    """(order number, organization ИНН, counterparty ИНН, shipped at) per shipment, in time
    order; SQLite only (the benchmarks seed SQLite)."""
    database = make_url(oltp_url).database
    if make_url(oltp_url).get_backend_name() != "sqlite" or not database:
        raise ValueError("the GIS benchmark inbox is built from a SQLite OLTP database")
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        organizations = [row[0] for row in connection.execute("select inn from organizations")]
        rows = connection.execute(
            """
            select o.number, c.inn, s.shipped_at
            from shipments s
            join customer_orders o on o.id = s.customer_order_id and o.deleted_at is null
            join (
                select partner_id, min(id) as id from counterparties
                where deleted_at is null group by partner_id
            ) first_counterparty on first_counterparty.partner_id = o.partner_id
            join counterparties c on c.id = first_counterparty.id
            where s.deleted_at is null and s.shipped_at is not null
            order by s.shipped_at, s.id
            """
        ).fetchall()
    return [
        (
            number,
            organizations[index % len(organizations)],
            inn,
            dt.datetime.fromisoformat(shipped_at).replace(tzinfo=dt.UTC),
        )
        for index, (number, inn, shipped_at) in enumerate(rows)
    ]


def write_bench_gis_inbox(oltp_url: str, inbox_dir: Path, events: int, seed: int = 42) -> dict:
    """Write (or reuse) an inbox of about `events` events; returns the marker's contents."""
    marker = inbox_dir / MARKER
    wanted = {"oltp": oltp_url, "events_wanted": events, "seed": seed}
    if marker.exists():
        written = json.loads(marker.read_text(encoding="utf-8"))
        if {key: written.get(key) for key in wanted} == wanted:
            return written
    shipments = _shipments(oltp_url)
    if not shipments:
        raise ValueError("the OLTP database has no shipments to write GIS documents for")
    documents = []
    for number in range(round(events / EVENTS_PER_DOCUMENT)):
        reference, organization, counterparty, shipped_at = shipments[number % len(shipments)]
        resubmission = number // len(shipments)
        documents.append(
            SampleDocument(
                reference=reference,
                organization_inn=organization,
                counterparty_inn=counterparty,
                date=shipped_at + dt.timedelta(days=resubmission),
            )
        )
    shutil.rmtree(inbox_dir, ignore_errors=True)
    tallies = write_sample_inbox(inbox_dir, documents, seed)
    written = wanted | {"documents": len(documents), **tallies}
    marker.write_text(json.dumps(written, indent=1), encoding="utf-8")
    return written
