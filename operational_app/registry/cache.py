"""A cache in front of any registry: one row per (source, ИНН) in `registry_cache`.

Within the TTL the stored answer is returned without asking the source. After it, the source is
asked again; when the source is unavailable the stored answer, however old, is returned instead,
so a counterparty once looked up can be filled offline."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from operational_app.db.models import RegistryCacheEntry, utc_now
from operational_app.registry.base import CounterpartyRegistry, RegistryParty, RegistryUnavailable

DEFAULT_TTL = dt.timedelta(days=7)


class CachedRegistry:
    def __init__(
        self,
        source: CounterpartyRegistry,
        session: Session,
        *,
        ttl: dt.timedelta = DEFAULT_TTL,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.name = source.name
        self._source = source
        self._session = session
        self._ttl = ttl
        self._clock = clock

    def find_by_inn(self, inn: str) -> list[RegistryParty]:
        entry = self._session.scalar(
            select(RegistryCacheEntry).where(
                RegistryCacheEntry.source == self.name, RegistryCacheEntry.inn == inn
            )
        )
        now = self._clock()
        if entry is not None and now - entry.fetched_at < self._ttl:
            return _parties(entry.payload)
        try:
            parties = self._source.find_by_inn(inn)
        except RegistryUnavailable:
            if entry is not None:
                return _parties(entry.payload)
            raise
        payload = json.dumps([party.to_json() for party in parties], ensure_ascii=False)
        if entry is None:
            entry = RegistryCacheEntry(source=self.name, inn=inn, fetched_at=now, payload=payload)
            self._session.add(entry)
        else:
            entry.fetched_at = now
            entry.payload = payload
        try:
            self._session.commit()
        except IntegrityError:
            # A concurrent lookup stored the same ИНН first; its answer is as good as ours.
            self._session.rollback()
        return parties


def _parties(payload: str) -> list[RegistryParty]:
    return [RegistryParty.from_json(item) for item in json.loads(payload)]
