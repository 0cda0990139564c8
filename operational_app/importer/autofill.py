"""Autofill by ИНН for partner imports (`crm import partners --autofill-by-inn`, or the mapping's
`options: {autofill_by_inn: true}`), issue 20.

Before the import transaction starts, every distinct valid 10-digit ИНН of the file is looked up
once through the configured registry (CRM_REGISTRY_SOURCE; DaData answers go through the cache
table) in a session of its own: the cache commits its rows, and that must never commit (or, on
SQLite, wait for) the import's own transaction, which a dry run rolls back. The import then fills
only what the file leaves empty (КПП of the head office, full name, legal address, phone) and
never overwrites a value the file gives. A liquidated or liquidating counterparty is a warning
for its row; a source error (timeout, rate limit, server error) is a warning and the row is
imported as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from operational_app.domain.errors import ValidationFailed
from operational_app.domain.validation import validate_inn
from operational_app.registry.base import CounterpartyRegistry, RegistryParty, RegistryUnavailable

RegistryFactory = Callable[[Session], CounterpartyRegistry]

# Counterparty fields the registry may fill, with the words the report uses for them.
FILLED_FIELDS = {
    "kpp": "КПП",
    "legal_name": "full name",
    "legal_address": "legal address",
    "phone": "phone",
}


@dataclass(frozen=True)
class Lookup:
    """The answer for one ИНН: the head office, or the source's problem."""

    source: str
    party: RegistryParty | None = None
    problem: str | None = None


def lookup_inn(inn: str | None) -> str | None:
    """The ИНН to look up: a legal entity's 10 digits with valid check digits, else None."""
    value = (inn or "").strip()
    if len(value) != 10:
        return None
    try:
        return validate_inn(value, "legal_entity")
    except ValidationFailed:
        return None


def prefetch(registry: CounterpartyRegistry, inns: Iterable[str]) -> dict[str, Lookup]:
    """One lookup per distinct ИНН; a source error is kept as that ИНН's problem."""
    found: dict[str, Lookup] = {}
    for inn in inns:
        if inn in found:
            continue
        try:
            parties = registry.find_by_inn(inn)
        except RegistryUnavailable as error:
            found[inn] = Lookup(registry.name, problem=f"{error.code}: {error.message}")
            continue
        head = next((party for party in parties if not party.is_branch), None)
        found[inn] = Lookup(registry.name, party=head)
    return found


def fill(values: dict[str, str | None], lookup: Lookup) -> dict[str, str]:
    """The fields of `values` that are empty and the registry's head office has: name -> value."""
    party = lookup.party
    if party is None:
        return {}
    offered = {
        "kpp": party.kpp,
        "legal_name": party.full_name or party.short_name,
        "legal_address": party.legal_address,
        "phone": party.phone,
    }
    return {
        name: value
        for name, value in offered.items()
        if value and not (values.get(name) or "").strip()
    }


def describe_fill(filled: dict[str, str], source: str, *, dry_run: bool) -> str:
    verb = "would fill" if dry_run else "filled"
    parts = [f"{FILLED_FIELDS[name]} {value}" for name, value in filled.items()]
    return f"{verb} {'; '.join(parts)} from {source}"
