"""`crm registry check`: changes against the registry are recorded once, with their date."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cli import main
from operational_app.db.models import CounterpartyRegistryChange
from operational_app.domain import partners as partner_service
from operational_app.registry.base import RegistryParty, RegistryUnavailable
from operational_app.registry.local import LocalRegistry, load_egrul_file
from operational_app.registry.monitoring import check_counterparties

SAMPLE = Path(__file__).parent / "data" / "egrul_sample.xml"
SBER_NAME = 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'
MONDAY = dt.datetime(2026, 3, 2, 3, 0)


def _counterparty(db: Session, inn: str, kpp: str, name: str, address: str | None = None) -> int:
    partner = partner_service.create_partner(db, name=f"Партнёр {inn}")
    counterparty = partner_service.create_counterparty(
        db,
        partner_id=partner.id,
        legal_form="legal_entity",
        inn=inn,
        kpp=kpp,
        legal_name=name,
        legal_address=address,
        phone=None,
    )
    db.commit()
    return counterparty.id


def _changes(db: Session) -> list[tuple[int, str, str | None, str | None, dt.datetime]]:
    rows = db.scalars(
        select(CounterpartyRegistryChange).order_by(
            CounterpartyRegistryChange.counterparty_id, CounterpartyRegistryChange.field
        )
    )
    return [(r.counterparty_id, r.field, r.old_value, r.new_value, r.detected_at) for r in rows]


def test_records_name_address_and_status_changes_once(db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    # Entered under the short name, spelled differently (case, quotes): no name change.
    sber = _counterparty(db, "7707083893", "773601001", "ПАО Сбербанк")
    closed = _counterparty(db, "7712345671", "771201001", "ООО «Закрытая лавка»")
    renamed = _counterparty(db, "5001007329", "500101001", "ООО «Старое имя»")
    report = check_counterparties(db, LocalRegistry(db), clock=lambda: MONDAY)
    assert (report.checked, report.failed, report.not_found) == (3, [], [])
    assert _changes(db) == [
        (sber, "legal_address", None, "117312, ГОРОД МОСКВА, УЛИЦА ВАВИЛОВА, ДОМ 19", MONDAY),
        (closed, "status", "active", "liquidated", MONDAY),
        (
            renamed,
            "legal_name",
            "ООО «Старое имя»",
            'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "УХОДЯЩИЕ"',
            MONDAY,
        ),
        (renamed, "status", "active", "liquidating", MONDAY),
    ]
    assert report.changes == 4
    # A week later nothing moved: nothing new is recorded.
    again = check_counterparties(db, LocalRegistry(db), clock=lambda: MONDAY + dt.timedelta(7))
    assert again.changes == 0 and len(_changes(db)) == 4


def test_a_branch_is_matched_by_its_kpp_and_a_lost_kpp_is_a_change(db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    branch = _counterparty(
        db,
        "7707083893",
        "540643001",
        SBER_NAME,
        "630007, ОБЛАСТЬ НОВОСИБИРСКАЯ, ГОРОД НОВОСИБИРСК, УЛИЦА КИРОВА, ДОМ 46",
    )
    moved = _counterparty(
        db, "7707083893", "773645001", SBER_NAME, "117312, ГОРОД МОСКВА, УЛИЦА ВАВИЛОВА, ДОМ 19"
    )
    check_counterparties(db, LocalRegistry(db), clock=lambda: MONDAY)
    assert _changes(db) == [(moved, "kpp", "773645001", "773601001", MONDAY)]
    assert branch != moved


def test_source_failures_are_reported_and_the_rest_checked(db: Session) -> None:
    load_egrul_file(db, SAMPLE)
    first = _counterparty(db, "7707083893", "773601001", SBER_NAME)
    second = _counterparty(db, "7712345671", "771201001", "ООО ЗАКРЫТАЯ ЛАВКА")

    class Flaky:
        name = "flaky"

        def find_by_inn(self, inn: str) -> list[RegistryParty]:
            if inn == "7707083893":
                raise RegistryUnavailable("timeout", "no answer")
            (party,) = LocalRegistry(db).find_by_inn(inn)
            return [dataclasses.replace(party, status="bankrupt")]

    report = check_counterparties(db, Flaky(), clock=lambda: MONDAY)
    assert report.failed == [(first, "no answer")]
    assert (second, "status", "active", "bankrupt", MONDAY) in _changes(db)
    assert all(change[0] != first for change in _changes(db))


def test_cli_check_with_registry_off_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_OLTP_URL", f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    monkeypatch.setenv("CRM_REGISTRY_SOURCE", "none")
    assert main(["registry", "check"]) == 2
    captured = capsys.readouterr()
    assert "Cannot check" in captured.err + captured.out


def test_cli_check_on_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_OLTP_URL", f"sqlite:///{tmp_path / 'crm.sqlite3'}")
    monkeypatch.setenv("CRM_REGISTRY_SOURCE", "local")
    assert main(["registry", "check"]) == 0
    captured = capsys.readouterr()
    assert "Checked 0 counterparties" in " ".join((captured.err + captured.out).split())


def test_check_through_dadata_and_its_cache(db: Session) -> None:
    """The check with the DaData source (fake transport, documented shape) behind the cache:
    a status change is recorded; a second run inside the TTL asks DaData nothing."""
    import httpx

    from operational_app.registry.cache import CachedRegistry
    from operational_app.registry.dadata import DadataRegistry

    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        data = {
            "inn": "7707083893",
            "kpp": "773601001",
            "ogrn": "1027700132195",
            "type": "LEGAL",
            "branch_type": "MAIN",
            "name": {"full_with_opf": SBER_NAME, "short_with_opf": "ПАО СБЕРБАНК"},
            "address": {"value": "г Москва, ул Вавилова, д 19"},
            "state": {"status": "REORGANIZING", "registration_date": 677376000000},
        }
        return httpx.Response(200, json={"suggestions": [{"value": "ПАО СБЕРБАНК", "data": data}]})

    sber = _counterparty(db, "7707083893", "773601001", SBER_NAME, "г Москва, ул Вавилова, д 19")
    dadata = DadataRegistry("token", transport=httpx.MockTransport(answer))
    cached = CachedRegistry(dadata, db, ttl=dt.timedelta(days=3), clock=lambda: MONDAY)
    check_counterparties(db, cached, clock=lambda: MONDAY)
    check_counterparties(db, cached, clock=lambda: MONDAY)
    assert len(requests) == 1
    assert [(c[0], c[1], c[3]) for c in _changes(db)] == [(sber, "status", "reorganising")]
    assert db.scalars(select(CounterpartyRegistryChange.source)).all() == ["dadata"]
