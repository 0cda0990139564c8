"""`crm registry check`: re-check every legal-entity counterparty against the registry and record
what changed (name, address, КПП, status) with the date it was noticed.

The counterparty itself is not edited: the operator decides (a renamed company may need a new
contract). A change already recorded with the same new value is not recorded again, so running the
check weekly only adds rows when the registry moves. A counterparty's registry status is the
`new_value` of its latest `status` row; none means it was active when first checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import Counterparty, CounterpartyRegistryChange, utc_now
from operational_app.registry.base import CounterpartyRegistry, RegistryParty, RegistryUnavailable

CHECKED_FIELDS = ("legal_name", "legal_address", "kpp", "status")


@dataclasses.dataclass
class CheckReport:
    checked: int = 0
    changes: int = 0
    not_found: list[int] = dataclasses.field(default_factory=list)
    failed: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    """(counterparty id, reason) for lookups the source could not answer."""


def matching_party(parties: list[RegistryParty], kpp: str | None) -> RegistryParty:
    """The unit with the counterparty's КПП, else the head office (a КПП that changed)."""
    for party in parties:
        if kpp and party.kpp == kpp:
            return party
    return next((party for party in parties if not party.is_branch), parties[0])


def check_counterparties(
    session: Session,
    registry: CounterpartyRegistry,
    *,
    clock: Callable[[], dt.datetime] = utc_now,
    on_progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    counterparties = session.scalars(
        select(Counterparty)
        .where(Counterparty.deleted_at.is_(None), Counterparty.legal_form == "legal_entity")
        .order_by(Counterparty.id)
    ).all()
    report = CheckReport()
    for number, counterparty in enumerate(counterparties, start=1):
        try:
            parties = registry.find_by_inn(counterparty.inn)
        except RegistryUnavailable as error:
            report.failed.append((counterparty.id, error.message))
            continue
        report.checked += 1
        if not parties:
            report.not_found.append(counterparty.id)
        else:
            report.changes += _record_changes(
                session,
                counterparty,
                matching_party(parties, counterparty.kpp),
                registry.name,
                clock(),
            )
        session.commit()
        if on_progress:
            on_progress(number, len(counterparties))
    return report


def _record_changes(
    session: Session,
    counterparty: Counterparty,
    party: RegistryParty,
    source: str,
    now: dt.datetime,
) -> int:
    current = {
        "legal_name": counterparty.legal_name,
        "legal_address": counterparty.legal_address,
        "kpp": counterparty.kpp,
        "status": None,
    }
    registered = {
        "legal_name": party.full_name,
        "legal_address": party.legal_address,
        "kpp": party.kpp,
        "status": party.status,
    }
    recorded = 0
    for field in CHECKED_FIELDS:
        new_value = registered[field]
        last = session.scalar(
            select(CounterpartyRegistryChange)
            .where(
                CounterpartyRegistryChange.counterparty_id == counterparty.id,
                CounterpartyRegistryChange.field == field,
            )
            .order_by(
                CounterpartyRegistryChange.detected_at.desc(), CounterpartyRegistryChange.id.desc()
            )
            .limit(1)
        )
        if field == "status":
            old_value = last.new_value if last else "active"
        else:
            old_value = current[field]
            if last is not None and last.new_value == new_value:
                continue
        if new_value is None or _same(old_value, new_value):
            continue
        if field == "legal_name" and _same(old_value, party.short_name):
            # The counterparty was entered under the short name (ПАО Сбербанк): no change.
            continue
        session.add(
            CounterpartyRegistryChange(
                counterparty_id=counterparty.id,
                field=field,
                old_value=old_value,
                new_value=new_value,
                detected_at=now,
                source=source,
            )
        )
        recorded += 1
    return recorded


def _same(old: str | None, new: str | None) -> bool:
    """Registries spell names in capitals and quote differently: compare letters and digits."""

    def letters(value: str | None) -> str:
        return "".join(char for char in (value or "").casefold() if char.isalnum())

    return letters(old) == letters(new)


def registry_changes_of(
    session: Session, counterparty_id: int, limit: int = 50
) -> list[CounterpartyRegistryChange]:
    """The changes recorded for one counterparty, newest first (shown on its card)."""
    return list(
        session.scalars(
            select(CounterpartyRegistryChange)
            .where(
                CounterpartyRegistryChange.counterparty_id == counterparty_id,
                CounterpartyRegistryChange.deleted_at.is_(None),
            )
            .order_by(
                CounterpartyRegistryChange.detected_at.desc(),
                CounterpartyRegistryChange.id.desc(),
            )
            .limit(limit)
        )
    )
