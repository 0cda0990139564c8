"""`crm import partners --autofill-by-inn` (issue 20): the local ЕГРЮЛ registry and DaData
through a fake httpx transport fill only what the file leaves empty; liquidation and source
errors are warnings, the rows are imported anyway; a dry run says what it would fill."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import cli
from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import Counterparty, Partner
from operational_app.db.session import create_oltp_engine
from operational_app.importer import parse_mapping, run_import
from operational_app.importer.mapping import MappingError
from operational_app.registry.cache import CachedRegistry
from operational_app.registry.dadata import DadataRegistry
from operational_app.registry.local import LocalRegistry, load_egrul_file
from tests.postgres import temporary_postgres_database

SAMPLE = Path(__file__).resolve().parents[1] / "registry" / "data" / "egrul_sample.xml"
NOW = dt.datetime(2026, 12, 1, 12, 0)
SBER, LIQUIDATED, LIQUIDATING = "7707083893", "7712345671", "5001007329"

MAPPING = {
    "entity": "partners",
    "fields": {
        "name": {"column": "Наименование", "required": True},
        "inn": {"column": "ИНН"},
        "kpp": {"column": "КПП"},
        "legal_name": {"column": "Полное наименование"},
        "legal_address": {"column": "Юридический адрес"},
        "phone": {"column": "Телефон"},
    },
}
HEADER = "Наименование;ИНН;КПП;Полное наименование;Юридический адрес;Телефон\n"


def _database(tmp_path: Path, *, egrul: bool, url: str | None = None) -> str:
    url = url or f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    upgrade_to_head(url)
    if egrul:
        engine = create_oltp_engine(url)
        with Session(engine) as session:
            load_egrul_file(session, SAMPLE)
            session.commit()
        engine.dispose()
    return url


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "partners.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def _counterparties(url: str) -> dict[str, Counterparty]:
    engine = create_oltp_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.execute(select(Partner.name, Counterparty).join(Partner)).all()
    engine.dispose()
    return dict(tuple(row) for row in rows)


class Counting:
    """Wraps a registry and counts the lookups (repeated ИНН are looked up once)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.asked = inner, inner.name, []

    def find_by_inn(self, inn: str) -> Any:
        self.asked.append(inn)
        return self.inner.find_by_inn(inn)


def test_local_registry_fills_empty_fields_keeps_given_and_warns(tmp_path: Path) -> None:
    _local_registry_fills_keeps_and_warns(tmp_path, _database(tmp_path, egrul=True))


def test_local_registry_autofill_on_postgres(tmp_path: Path) -> None:
    with temporary_postgres_database("crm_autofill") as server:
        _local_registry_fills_keeps_and_warns(tmp_path, _database(tmp_path, egrul=True, url=server))


def _local_registry_fills_keeps_and_warns(tmp_path: Path, url: str) -> None:
    source = _file(
        tmp_path,
        f"Сбер;{SBER};;;;",
        f"Сбер снова;{SBER};;Наше имя;Наш адрес;+7 000",  # a repeat: no second lookup
        f"Ликвидированный;{LIQUIDATED};;;;",
        f"Ликвидируемый;{LIQUIDATING};500101001;Дано в файле;;",
        "Без ИНН;;;;;",
    )
    spies: list[Counting] = []

    def factory(session: Session) -> Counting:
        spies.append(Counting(LocalRegistry(session)))
        return spies[0]

    summary = run_import(
        url,
        "partners",
        source,
        parse_mapping(MAPPING),
        now=NOW,
        autofill_by_inn=True,
        registry_factory=factory,
    )
    assert (summary.imported, summary.failed_rows) == (5, 0)
    assert sorted(spies[0].asked) == sorted([SBER, LIQUIDATED, LIQUIDATING])
    found = _counterparties(url)
    sber = found["Сбер"]
    assert sber.kpp == "773601001"  # the head office, not the Novosibirsk branch 540643001
    assert "СБЕРБАНК" in sber.legal_name.upper() and sber.legal_name != "Сбер"
    assert sber.legal_address and "117312" in sber.legal_address
    # Given values are never overwritten; the second row's КПП still came from the registry,
    # so its (ИНН, КПП) is the first row's counterparty: not created twice.
    assert "Сбер снова" not in found
    kept = found["Ликвидируемый"]
    assert (kept.legal_name, kept.kpp) == ("Дано в файле", "500101001")
    assert "Без ИНН" not in found
    warnings = {note.value: note.message for note in summary.warnings}
    assert set(warnings) == {LIQUIDATED, LIQUIDATING}  # the row without an ИНН: nothing
    assert "liquidated" in warnings[LIQUIDATED] and "liquidating" in warnings[LIQUIDATING]
    assert "Ликвидированный" in found  # a warning, not an error: the row is imported
    fills = {note.row: note.message for note in summary.fills}
    assert fills[1].startswith("filled КПП 773601001") and fills[1].endswith("from local")
    assert "КПП" in fills[2] and "full name" not in fills[2] and "legal address" not in fills[2]


def test_without_the_option_nothing_is_looked_up(tmp_path: Path) -> None:
    url = _database(tmp_path, egrul=True)

    def factory(session: Session) -> Any:
        raise AssertionError("no lookup without --autofill-by-inn")

    summary = run_import(
        url,
        "partners",
        _file(tmp_path, f"Сбер;{SBER};;;;"),
        parse_mapping(MAPPING),
        now=NOW,
        registry_factory=factory,
    )
    assert summary.imported == 1 and not summary.fills
    # A legal entity needs a КПП: without one (and no autofill) the partner is imported and
    # the missing counterparty is a warning.
    assert _counterparties(url) == {}
    assert [(note.row, note.column) for note in summary.warnings] == [(1, "kpp")]
    assert "КПП" in summary.warnings[0].message


def test_mapping_option_turns_it_on_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    url = _database(tmp_path, egrul=True)
    mapping = parse_mapping({**MAPPING, "options": {"autofill_by_inn": True}})
    summary = run_import(
        url,
        "partners",
        _file(tmp_path, f"Сбер;{SBER};;;;"),
        mapping,
        now=NOW,
        dry_run=True,
        registry_factory=LocalRegistry,
    )
    assert summary.imported == 1
    assert [note.message.split(";")[0] for note in summary.fills] == ["would fill КПП 773601001"]
    assert summary.fills[0].message.endswith("from local")
    assert _counterparties(url) == {}


def _suggestion(inn: str, status: str = "ACTIVE", **data: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "inn": inn,
        "kpp": "773601001",
        "ogrn": "1027700132195",
        "type": "LEGAL",
        "branch_type": "MAIN",
        "name": {"full_with_opf": 'ПАО "СБЕРБАНК РОССИИ"', "short_with_opf": "ПАО СБЕРБАНК"},
        "address": {"value": "г Москва, ул Вавилова, д 19"},
        "management": {"name": "Греф Герман Оскарович"},
        "state": {"status": status, "registration_date": 677376000000},
        "phones": [{"value": "+7 495 500-55-50"}],
    }
    base.update(data)
    return {"value": base["name"]["short_with_opf"], "data": base}


def test_dadata_fills_phone_warns_liquidated_and_survives_a_503(tmp_path: Path) -> None:
    url = _database(tmp_path, egrul=False)
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        query = json.loads(request.content)["query"]
        asked.append(query)
        if query == LIQUIDATING:
            return httpx.Response(503, text="Service Unavailable")
        if query == LIQUIDATED:
            suggestion = _suggestion(LIQUIDATED, "LIQUIDATED", kpp="771201001")
            return httpx.Response(200, json={"suggestions": [suggestion]})
        return httpx.Response(200, json={"suggestions": [_suggestion(query)]})

    def factory(session: Session) -> CachedRegistry:
        dadata = DadataRegistry("token", transport=httpx.MockTransport(answer))
        return CachedRegistry(dadata, session, clock=lambda: NOW)

    source = _file(
        tmp_path,
        f"Сбер;{SBER};;;;",
        f"Ликвидированный;{LIQUIDATED};;;;",
        f"Недоступный;{LIQUIDATING};;;;",
    )
    summary = run_import(
        url,
        "partners",
        source,
        parse_mapping(MAPPING),
        now=NOW,
        autofill_by_inn=True,
        registry_factory=factory,
    )
    assert (summary.imported, summary.failed_rows) == (3, 0)
    found = _counterparties(url)
    assert (found["Сбер"].phone, found["Сбер"].kpp) == ("+7 495 500-55-50", "773601001")
    # The 503 row is imported as the file has it (the partner: its counterparty needs a КПП),
    # so, with no КПП, without a counterparty; the warnings say why nothing was filled.
    assert "Недоступный" not in found
    warnings = [(note.value, note.message) for note in summary.warnings]
    assert [message for inn, message in warnings if inn == LIQUIDATING][0].startswith(
        "registry dadata did not answer (unavailable"
    )
    assert any(inn == LIQUIDATED and "liquidated" in message for inn, message in warnings)
    assert {note.row for note in summary.fills} == {1, 2}
    assert all(note.message.endswith("from dadata") for note in summary.fills)

    # The answers are cached: a second import asks DaData only about the ИНН that failed.
    asked.clear()
    run_import(
        url,
        "partners",
        source,
        parse_mapping(MAPPING),
        now=NOW,
        dry_run=True,
        autofill_by_inn=True,
        registry_factory=factory,
    )
    assert asked == [LIQUIDATING]


def test_autofill_needs_a_partner_mapping_with_an_inn(tmp_path: Path) -> None:
    url = _database(tmp_path, egrul=False)
    mapping = parse_mapping({"entity": "partners", "fields": {"name": {"column": "Наименование"}}})
    with pytest.raises(MappingError, match="inn"):
        run_import(url, "partners", _file(tmp_path, "Сбер;;;;;"), mapping, autofill_by_inn=True)


def test_cli_dry_run_prints_what_it_would_fill(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _database(tmp_path, egrul=True)
    mapping = tmp_path / "mapping.yml"
    mapping.write_text(yaml.safe_dump(MAPPING, allow_unicode=True), "utf-8")
    monkeypatch.setenv("CRM_OLTP_URL", url)
    monkeypatch.setenv("CRM_REGISTRY_SOURCE", "local")
    source = _file(tmp_path, f"Сбер;{SBER};;;;", f"Ликвидированный;{LIQUIDATED};;;;")
    code = cli.main(
        [
            "import",
            "partners",
            str(source),
            "--mapping",
            str(mapping),
            "--dry-run",
            "--autofill-by-inn",
        ]
    )
    captured = capsys.readouterr()
    out = " ".join((captured.out + captured.err).split())  # rich writes to stderr and wraps
    assert code == 0
    assert "row 1: would fill КПП 773601001" in out and "from local" in out
    assert f"warning, row 2 (ИНН {LIQUIDATED})" in out and "liquidated" in out
    assert _counterparties(url) == {}
