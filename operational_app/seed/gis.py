"""GIS exchange files for the seeded shipments: what `crm seed` drops into `data/inbox/gis/`.

Each document accompanies a shipment: reference = its customer order's number (what the marts
link on), our organization's ИНН, the ИНН of the order partner's first live counterparty and the
shipment time. About `DOCUMENT_SHARE` of the shipments of the last `WINDOW_DAYS` before `as_of`
get documents (the
inbox holds recent exchange logs; older ones have been archived), and only counterparties that
take part in GIS exchange (legal entities and individual entrepreneurs, not private persons).

Files are written into a hidden staging folder inside the inbox and then renamed into
`<system>/`, so the loader and the inbox sensor never see a half-written file. A manifest
(`MANIFEST_NAME`, hidden, so the loader skips it) lists them; the next seed removes exactly
those files first, never a file that arrived from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Final

import numpy as np

from operational_app.seed.generator import TableData
from operational_app.seed.gis_files import SYSTEMS, SampleDocument, write_sample_inbox

DOCUMENT_SHARE: Final = 0.6
WINDOW_DAYS: Final = 120
MANIFEST_NAME: Final = ".crm-seed-files.json"
# Legal forms that exchange documents through ЕГАИС, Меркурий and ГИС МТ.
EXCHANGING_FORMS: Final = ("legal_entity", "individual_entrepreneur")
_RNG_STREAM: Final = 0x6715  # keeps the GIS draws apart from the OLTP generator's streams


def _by_name(tables: Sequence[TableData]) -> dict[str, TableData]:
    return {table.name: table for table in tables}


def _live(table: TableData) -> np.ndarray:
    return np.isnat(np.asarray(table.columns["deleted_at"]))


def _first_counterparty_inns(counterparties: TableData) -> dict[int, str]:
    """partner_id -> ИНН of its earliest live counterparty that can exchange with the GIS."""
    columns = counterparties.columns
    created = np.asarray(columns["created_at"])
    live = _live(counterparties)
    first: dict[int, tuple[np.datetime64, int, str]] = {}
    for i in np.flatnonzero(live).tolist():
        if columns["legal_form"][i] not in EXCHANGING_FORMS:
            continue
        partner = int(columns["partner_id"][i])
        key = (created[i], int(columns["id"][i]), str(columns["inn"][i]))
        if partner not in first or key[:2] < first[partner][:2]:
            first[partner] = key
    return {partner: key[2] for partner, key in first.items()}


def gis_documents(tables: Sequence[TableData], seed: int, as_of: dt.date) -> list[SampleDocument]:
    """The sample documents for the shipments of a generated dataset, ordered by shipment time."""
    named = _by_name(tables)
    shipments, orders = named["shipments"], named["customer_orders"]
    organizations = named["organizations"]
    rng = np.random.default_rng([seed, _RNG_STREAM])
    # Our organizations as the GIS files name them: ИНН and ЕГАИС FSRAR ID.
    our_organizations = [
        (str(inn), None if fsrar_id is None else str(fsrar_id))
        for inn, fsrar_id, live in zip(
            organizations.columns["inn"],
            organizations.columns["fsrar_id"],
            _live(organizations),
            strict=True,
        )
        if live
    ]
    org_inns = [inn for inn, _ in our_organizations]
    if not org_inns or not len(shipments):
        return []
    counterparty_inn = _first_counterparty_inns(named["counterparties"])
    order_row = {int(order_id): i for i, order_id in enumerate(orders.columns["id"])}
    live_orders = _live(orders)
    shipped = np.asarray(shipments.columns["shipped_at"])
    horizon = np.datetime64(as_of, "s")
    window_start = horizon - np.timedelta64(WINDOW_DAYS, "D")
    recent = _live(shipments) & ~np.isnat(shipped) & (shipped >= window_start) & (shipped < horizon)
    # One draw per shipment (not per candidate) so the choice of one does not depend on others.
    chosen = recent & (rng.random(len(shipments)) < DOCUMENT_SHARE)
    org_pick = rng.integers(0, len(org_inns), len(shipments))
    documents: list[tuple[np.datetime64, SampleDocument]] = []
    documented_orders: set[int] = set()
    for i in np.flatnonzero(chosen).tolist():
        row = order_row.get(int(shipments.columns["customer_order_id"][i]))
        # One document per order (its first chosen shipment): the reference is the order number.
        if row is None or not live_orders[row] or row in documented_orders:
            continue
        documented_orders.add(row)
        inn = counterparty_inn.get(int(orders.columns["partner_id"][row]))
        if inn is None:
            continue
        shipped_at = shipped[i].astype(dt.datetime).replace(tzinfo=dt.UTC)
        documents.append(
            (
                shipped[i],
                SampleDocument(
                    reference=str(orders.columns["number"][row]),
                    organization_inn=our_organizations[int(org_pick[i])][0],
                    organization_fsrar_id=our_organizations[int(org_pick[i])][1],
                    counterparty_inn=inn,
                    date=shipped_at,
                ),
            )
        )
    documents.sort(key=lambda pair: (pair[0], pair[1].reference))
    return [document for _, document in documents]


def _manifest_paths(inbox_dir: Path) -> list[Path]:
    """The files the last seed wrote, as listed in its manifest (only `<system>/<name>`)."""
    manifest = inbox_dir / MANIFEST_NAME
    if not manifest.exists():
        return []
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (ValueError, AttributeError):
        return []
    paths = []
    for entry in listed:
        parts = PurePosixPath(str(entry)).parts
        # Never trust a path out of the inbox: exactly a system folder and a plain file name.
        if len(parts) == 2 and parts[0] in SYSTEMS and parts[1] not in ("", ".", ".."):
            paths.append(inbox_dir / parts[0] / parts[1])
    return paths


def clear_generated_files(inbox_dir: Path) -> int:
    """Delete the files a previous seed wrote into the inbox; returns how many were removed."""
    removed = 0
    for path in _manifest_paths(inbox_dir):
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed += 1
    (inbox_dir / MANIFEST_NAME).unlink(missing_ok=True)
    return removed


def write_gis_inbox(
    inbox_dir: Path, tables: Sequence[TableData], seed: int, as_of: dt.date
) -> dict[str, int]:
    """Replace the previous seed's GIS files with files for these tables; returns the tallies.

    Keys are those of `write_sample_inbox` (files per system, malformed files, events per
    status group) plus `documents`.
    """
    documents = gis_documents(tables, seed, as_of)
    inbox_dir.mkdir(parents=True, exist_ok=True)
    clear_generated_files(inbox_dir)
    staging = Path(tempfile.mkdtemp(prefix=".seed-", dir=inbox_dir))
    try:
        tallies = write_sample_inbox(staging, documents, seed)
        names = sorted(
            f"{system}/{path.name}"
            for system in SYSTEMS
            if (staging / system).is_dir()
            for path in (staging / system).iterdir()
        )
        taken = [name for name in names if (inbox_dir / name).exists()]
        if taken:
            raise FileExistsError(
                f"{len(taken)} generated GIS file name(s) already exist in {inbox_dir} and were "
                f"not written by a seed (e.g. {taken[0]}); move them away and seed again"
            )
        # The manifest first: should the moves stop half way, the next seed still cleans up.
        manifest = {"seed": seed, "as_of": as_of.isoformat(), "files": names}
        (inbox_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        for name in names:
            (inbox_dir / name).parent.mkdir(exist_ok=True)
            os.replace(staging / name, inbox_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {"documents": len(documents), **tallies}
