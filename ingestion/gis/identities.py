"""Our organizations' identities in each GIS system (DESIGN.md §4 `organizations`).

Direction and counterparty of a GIS document follow from who we are, never from the document
kind: an incoming WayBill_v4 names us as Consignee, an outgoing one as Shipper; a vet document
names us as consignor or consignee. The identities are edited by an administrator in the app
and read by the pipeline from the OLTP copy (`raw_oltp.organizations`):
- `inn`: the organization's ИНН (also its ГИС МТ participant unless `gismt_participant_inn`);
- `fsrar_id` and `additional_fsrar_ids`: ЕГАИС FSRAR IDs, one per УТМ (licensed place);
- `vetis_business_entity_guid` and `vetis_enterprise_guids`: ВетИС (Цербер) GUIDs.
List columns hold identifiers separated by commas, semicolons or white space.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import duckdb
import sqlalchemy as sa

ORGANIZATIONS_TABLE: Final = "raw_oltp.organizations"
_SEPARATORS: Final = re.compile(r"[\s,;]+")


def split_ids(value: str | None) -> list[str]:
    """Identifiers of a list column, in order, without blanks or repeats."""
    if not value:
        return []
    return list(dict.fromkeys(part for part in _SEPARATORS.split(value) if part))


@dataclass(frozen=True)
class OurIdentities:
    """Each known identity of ours -> the ИНН of the organization it belongs to."""

    fsrar_ids: Mapping[str, str] = field(default_factory=dict)
    vetis_guids: Mapping[str, str] = field(default_factory=dict)
    inns: frozenset[str] = frozenset()

    def egais_organization(self, fsrar_id: str | None) -> str | None:
        return self.fsrar_ids.get(fsrar_id) if fsrar_id else None

    def vetis_organization(self, *guids: str | None) -> str | None:
        for guid in guids:
            if guid and guid in self.vetis_guids:
                return self.vetis_guids[guid]
        return None


NO_IDENTITIES: Final = OurIdentities()


@dataclass(frozen=True, slots=True)
class OrganizationIdentity:
    """One row of `organizations` as far as the GIS systems are concerned."""

    inn: str
    fsrar_id: str | None = None
    additional_fsrar_ids: str | None = None
    vetis_business_entity_guid: str | None = None
    vetis_enterprise_guids: str | None = None
    gismt_participant_inn: str | None = None


def build_identities(rows: list[OrganizationIdentity]) -> OurIdentities:
    fsrar: dict[str, str] = {}
    vetis: dict[str, str] = {}
    inns: set[str] = set()
    for row in rows:
        inns.add(row.inn)
        if row.gismt_participant_inn:
            inns.add(row.gismt_participant_inn)
        for fsrar_id in [*split_ids(row.fsrar_id), *split_ids(row.additional_fsrar_ids)]:
            fsrar[fsrar_id] = row.inn
        guids = [
            *split_ids(row.vetis_business_entity_guid),
            *split_ids(row.vetis_enterprise_guids),
        ]
        for guid in guids:
            vetis[guid.lower()] = row.inn
    return OurIdentities(fsrar_ids=fsrar, vetis_guids=vetis, inns=frozenset(inns))


def load_identities(con: duckdb.DuckDBPyConnection) -> OurIdentities:
    """Our identities from the OLTP copy in the warehouse; none when it was never copied.

    Columns missing from an older copy (before migration 0006_gis_identities) read as null.
    """
    schema, table = ORGANIZATIONS_TABLE.split(".")
    columns = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    if "inn" not in columns:
        return NO_IDENTITIES
    wanted = [name for name in OrganizationIdentity.__slots__ if name != "inn"]
    select = ", ".join(f"cast({name} as varchar)" if name in columns else "null" for name in wanted)
    where = "where deleted_at is null" if "deleted_at" in columns else ""
    rows = con.sql(
        f"select cast(inn as varchar), {select} from {ORGANIZATIONS_TABLE} {where}"
    ).fetchall()
    return build_identities([OrganizationIdentity(*row) for row in rows if row[0]])


def load_identities_from_oltp(sqlalchemy_url: str) -> OurIdentities:
    """Our identities straight from the OLTP database (no dependency on a prior OLTP copy)."""
    engine = sa.create_engine(sqlalchemy_url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("organizations"):
                return NO_IDENTITIES  # a database not migrated yet
            columns = {c["name"] for c in sa.inspect(connection).get_columns("organizations")}
            wanted = [name for name in OrganizationIdentity.__slots__ if name in columns]
            query = sa.select(*(sa.column(name) for name in wanted)).select_from(
                sa.table("organizations")
            )
            if "deleted_at" in columns:
                query = query.where(sa.column("deleted_at").is_(None))
            rows = connection.execute(query).mappings().all()
    finally:
        engine.dispose()
    return build_identities(
        [
            OrganizationIdentity(**{name: _text(row[name]) for name in wanted})  # type: ignore[arg-type]
            for row in rows
            if row["inn"]
        ]
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def merge_identities(*sources: OurIdentities) -> OurIdentities:
    """Every identity any source knows (later sources win for an id named twice)."""
    fsrar: dict[str, str] = {}
    vetis: dict[str, str] = {}
    inns: set[str] = set()
    for source in sources:
        fsrar.update(source.fsrar_ids)
        vetis.update(source.vetis_guids)
        inns.update(source.inns)
    return OurIdentities(fsrar_ids=fsrar, vetis_guids=vetis, inns=frozenset(inns))


def load_our_identities(con: duckdb.DuckDBPyConnection, oltp_url: str | None) -> OurIdentities:
    """What the GIS asset should pass to ingest_inbox: the OLTP's identities, as they are now,
    with those of the warehouse's OLTP copy; so the inbox load need not wait for the copy."""
    from_oltp = load_identities_from_oltp(oltp_url) if oltp_url else NO_IDENTITIES
    return merge_identities(load_identities(con), from_oltp)
