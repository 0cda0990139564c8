"""`seed_database`: migrate, check, generate and bulk-write the demo dataset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import Deal
from operational_app.db.session import create_oltp_engine
from operational_app.seed.entry_model import ENTRY_MODEL_TABLES, add_entry_model
from operational_app.seed.generator import SCALES, Scale, generate
from operational_app.seed.gis import write_gis_inbox
from operational_app.seed.retail import RETAIL_TABLES, add_retail, write_ofd_inbox
from operational_app.seed.writer import tables_to_clear, write_postgresql, write_sqlite

SEEDED_TABLES = (
    "organizations",
    "business_regions",
    "users",
    "deal_kinds",
    "sales_stages",
    "loss_reasons",
    "partners",
    "counterparties",
    "contact_persons",
    "deals",
    "deal_stage_history",
    *ENTRY_MODEL_TABLES,
    *RETAIL_TABLES,
)


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


def seed_database(
    url: str,
    scale: str | Scale = "demo",
    seed: int = 42,
    as_of: dt.date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    replace: bool = False,
    gis_inbox_dir: Path | None = None,
    ofd_inbox_dir: Path | None = None,
) -> dict[str, int]:
    """Fill the OLTP database at `url` with demo data; return row counts per table.

    `scale` is a name from SCALES or a custom Scale. The same seed and as_of give identical rows;
    every timestamp lies in the two years before as_of (default: today, UTC). An already seeded
    database is refused unless `replace`, which first empties the seeded tables and every table
    referencing them. `progress(step, done, total)` reports generation and per-table writes.

    With `gis_inbox_dir`, GIS exchange files for recently won deals are written there too
    (operational_app/seed/gis.py), replacing the files an earlier seed wrote; their tallies
    join the result under `gis_`-prefixed keys (`gis_events`, `gis_malformed_files`, ...).
    With `ofd_inbox_dir`, the stores' cash receipts of the last weeks are written there as ОФД
    exports (operational_app/seed/retail.py, progress a day at a time), tallied as `ofd_files`,
    `ofd_receipts`, `ofd_lines`; with both inboxes, the ГИС МТ withdrawals of the marked goods
    those receipts sold and the returns to circulation of those customers brought back go to
    the GIS inbox's `gismt/` (`ofd_withdrawal_files`). The warehouse build made from earlier
    data is the caller's to discard (`crm seed` does: crm/commands/seed.py).
    """
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
        scale = SCALES[scale]
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    report = progress or _quiet
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    try:
        with engine.connect() as connection:
            existing = connection.execute(select(func.count()).select_from(Deal)).scalar_one()
        if existing and not replace:
            raise ValueError(
                f"the database already has {existing} deals; pass replace=True to wipe and reseed"
            )
        clear = tables_to_clear(engine, list(SEEDED_TABLES)) if replace else []
        factor = scale.deals / SCALES["demo"].deals
        tables = add_retail(
            add_entry_model(generate(scale, seed, as_of, report), seed, as_of), factor, as_of
        )
        backend = make_url(url).get_backend_name()
        if backend == "sqlite":
            write_sqlite(engine, tables, clear, report)
        elif backend == "postgresql":
            write_postgresql(engine, tables, clear, report)
        else:
            raise ValueError(f"seeding supports SQLite and PostgreSQL, not {backend}")
        counts = {table.name: len(table) for table in tables}
        if gis_inbox_dir is not None:
            report("gis inbox", 0, 1)
            gis = write_gis_inbox(gis_inbox_dir, tables, seed, as_of)
            counts.update({f"gis_{key}": value for key, value in gis.items()})
            report("gis inbox", 1, 1)
        if ofd_inbox_dir is not None:
            report("ofd inbox (days)", 0, 1)
            ofd = write_ofd_inbox(
                ofd_inbox_dir,
                tables,
                seed,
                as_of,
                factor,
                gismt_dir=None if gis_inbox_dir is None else gis_inbox_dir / "gismt",
                progress=lambda done, total: report("ofd inbox (days)", done, total),
            )
            counts.update({f"ofd_{key}": value for key, value in ofd.items()})
        return counts
    finally:
        engine.dispose()
