"""Choosing the registry from settings and the one lookup the form, the API and the CLI call."""

from __future__ import annotations

import dataclasses

import httpx
from sqlalchemy.orm import Session

from crm.settings import Settings
from operational_app.registry.base import (
    CounterpartyRegistry,
    RegistryParty,
    RegistryUnavailable,
    checked_lookup_inn,
)
from operational_app.registry.cache import CachedRegistry
from operational_app.registry.dadata import DadataRegistry
from operational_app.registry.local import LocalRegistry


def registry_for(
    settings: Settings, session: Session, *, transport: httpx.BaseTransport | None = None
) -> CounterpartyRegistry:
    """The source CRM_REGISTRY_SOURCE names; DaData answers go through the cache (the local
    registry is a table already)."""
    if settings.registry_source == "local":
        return LocalRegistry(session)
    if settings.registry_source == "dadata":
        return CachedRegistry(
            DadataRegistry(settings.dadata_token or "", transport=transport), session
        )
    raise RegistryUnavailable("disabled", "Autofill by ИНН is off (CRM_REGISTRY_SOURCE=none).")


@dataclasses.dataclass(frozen=True)
class LookupResult:
    source: str
    parties: list[RegistryParty]


def lookup(registry: CounterpartyRegistry, inn: str, legal_form: str | None = None) -> LookupResult:
    """Validate the ИНН's check digits, then ask the registry. A person gets nothing; an ИП (or a
    12-digit ИНН) at most the name and the ОГРНИП."""
    value = checked_lookup_inn(inn)
    if legal_form == "person":
        return LookupResult(registry.name, [])
    parties = registry.find_by_inn(value)
    if len(value) == 12 or legal_form == "individual_entrepreneur":
        parties = [party.for_entrepreneur() for party in parties if not party.is_branch][:1]
    return LookupResult(registry.name, parties)
