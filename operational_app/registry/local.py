"""The local registry: ЕГРЮЛ records loaded into the OLTP table `registry_parties` by
`crm registry load FILE`, looked up without any network."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from operational_app.db.models import RegistryParty as RegistryPartyRow
from operational_app.db.models import utc_now
from operational_app.domain.errors import ValidationFailed
from operational_app.registry.base import RegistryParty, checked_lookup_inn, sanitized
from operational_app.registry.egrul import EgrulRecord, read_egrul

BATCH_SIZE = 500


class LocalRegistry:
    name = "local"

    def __init__(self, session: Session) -> None:
        self._session = session

    def find_by_inn(self, inn: str) -> list[RegistryParty]:
        rows = self._session.scalars(
            select(RegistryPartyRow)
            .where(RegistryPartyRow.inn == inn, RegistryPartyRow.deleted_at.is_(None))
            .order_by(RegistryPartyRow.is_branch, RegistryPartyRow.kpp)
        )
        return [RegistryParty.from_json(json.loads(row.payload)) for row in rows]


@dataclasses.dataclass
class LoadReport:
    entities: int = 0
    parties: int = 0
    bad_rows: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    """(line, ИНН, reason) of each СвЮЛ refused."""


def load_egrul_file(
    session: Session,
    path: Path,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Stream a ЕГРЮЛ XML file into `registry_parties`, replacing what an ИНН had before.

    Committed every BATCH_SIZE entities, so a file that breaks half way keeps what was read
    (EgrulFormatError then propagates with the line)."""
    report = LoadReport()
    batch: list[EgrulRecord] = []
    with path.open("rb") as stream:
        for record in read_egrul(stream):
            problem = record.error or _problem(record)
            if problem:
                report.bad_rows.append((record.line, record.inn, problem))
                continue
            batch.append(record)
            if len(batch) >= BATCH_SIZE:
                _store(session, batch, path.name, report)
                batch = []
                if on_progress:
                    on_progress(report.entities)
    _store(session, batch, path.name, report)
    if on_progress:
        on_progress(report.entities)
    return report


def _problem(record: EgrulRecord) -> str | None:
    try:
        inn = checked_lookup_inn(record.inn)
    except ValidationFailed as error:
        return f"ИНН {record.inn!r}: {error}"
    if len(inn) != 10:
        return f"ИНН {record.inn!r} is not a legal entity's (10 digits)"
    return None


def _store(
    session: Session, records: Iterable[EgrulRecord], source: str, report: LoadReport
) -> None:
    records = list(records)
    if not records:
        return
    session.execute(
        delete(RegistryPartyRow).where(RegistryPartyRow.inn.in_({r.inn for r in records}))
    )
    now = utc_now()
    for record in records:
        for party in record.parties:
            clean = sanitized(party)
            session.add(
                RegistryPartyRow(
                    inn=clean.inn,
                    kpp=clean.kpp,
                    is_branch=clean.is_branch,
                    payload=json.dumps(clean.to_json(), ensure_ascii=False),
                    source_file=source[:500],
                    created_at=now,
                    updated_at=now,
                )
            )
            report.parties += 1
        report.entities += 1
    session.commit()
