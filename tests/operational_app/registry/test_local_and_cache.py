"""The local registry (loaded from the ЕГРЮЛ sample) and the cache in front of a source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from operational_app.db.models import RegistryCacheEntry
from operational_app.db.models import RegistryParty as RegistryPartyRow
from operational_app.domain.errors import ValidationFailed
from operational_app.registry.base import RegistryParty, RegistryUnavailable
from operational_app.registry.cache import CachedRegistry
from operational_app.registry.local import LocalRegistry, load_egrul_file
from operational_app.registry.service import lookup

SAMPLE = Path(__file__).parent / "data" / "egrul_sample.xml"
SBER = "7707083893"


def test_load_then_lookup_head_office_and_branch(db: Session) -> None:
    progress: list[int] = []
    report = load_egrul_file(db, SAMPLE, on_progress=progress.append)
    assert (report.entities, report.parties) == (3, 4)
    assert [(line > 0, inn) for line, inn, _ in report.bad_rows] == [
        (True, "7707083894"),
        (True, "7736050003"),
    ]
    assert "check digits" in report.bad_rows[0][2]
    assert progress and progress[-1] == 3
    head, branch = LocalRegistry(db).find_by_inn(SBER)
    assert (head.kpp, branch.kpp, branch.is_branch) == ("773601001", "540643001", True)
    assert head.registration_date == dt.date(1991, 6, 20)
    assert LocalRegistry(db).find_by_inn("7712345671")[0].needs_warning


def test_loading_again_replaces_instead_of_duplicating(db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    load_egrul_file(db, SAMPLE)
    count = db.scalar(
        select(func.count()).select_from(RegistryPartyRow).where(RegistryPartyRow.inn == SBER)
    )
    assert count == 2


def test_lookup_checks_the_inn_before_asking(db: Session) -> None:
    asked: list[str] = []

    class Spy:
        name = "spy"

        def find_by_inn(self, inn: str) -> list[RegistryParty]:
            asked.append(inn)
            return []

    with pytest.raises(ValidationFailed):
        lookup(Spy(), "7707083894")
    with pytest.raises(ValidationFailed):
        lookup(Spy(), "77070838")
    assert lookup(Spy(), SBER, "person").parties == []
    assert asked == []


def test_lookup_for_an_entrepreneur_keeps_only_name_and_ogrnip(db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    (party,) = lookup(LocalRegistry(db), SBER, "individual_entrepreneur").parties
    assert party.full_name and party.ogrn == "1027700132195"
    assert (party.kpp, party.legal_address, party.director) == (None, None, None)


class _CountingSource:
    name = "fake"

    def __init__(self) -> None:
        self.calls = 0
        self.down = False

    def find_by_inn(self, inn: str) -> list[RegistryParty]:
        if self.down:
            raise RegistryUnavailable("timeout", "no answer")
        self.calls += 1
        return [RegistryParty(inn=inn, kpp="773601001", full_name=f"answer {self.calls}")]


def test_cache_answers_within_the_ttl_and_asks_again_after(db: Session) -> None:
    source = _CountingSource()
    now = [dt.datetime(2026, 1, 1, 12, 0)]
    cached = CachedRegistry(source, db, ttl=dt.timedelta(days=7), clock=lambda: now[0])
    assert cached.find_by_inn(SBER)[0].full_name == "answer 1"
    now[0] += dt.timedelta(days=6)
    assert cached.find_by_inn(SBER)[0].full_name == "answer 1"
    assert source.calls == 1
    now[0] += dt.timedelta(days=2)
    assert cached.find_by_inn(SBER)[0].full_name == "answer 2"
    entry = db.scalars(select(RegistryCacheEntry)).one()
    assert (entry.source, entry.inn, entry.fetched_at) == ("fake", SBER, now[0])


def test_cache_serves_the_last_answer_when_the_source_is_down(db: Session) -> None:
    source = _CountingSource()
    now = [dt.datetime(2026, 1, 1)]
    cached = CachedRegistry(source, db, ttl=dt.timedelta(days=1), clock=lambda: now[0])
    cached.find_by_inn(SBER)
    source.down = True
    now[0] += dt.timedelta(days=30)
    assert cached.find_by_inn(SBER)[0].full_name == "answer 1"
    with pytest.raises(RegistryUnavailable):
        cached.find_by_inn("7712345671")
