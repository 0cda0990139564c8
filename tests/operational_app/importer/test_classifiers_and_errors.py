"""`crm classifier add`, `create_missing` in mappings (with the dry run's "would create") and
every error of every row reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from crm.cli import main
from operational_app.db.models import ClaimReason, DealKind, LossReason, SalesStage
from operational_app.importer import MappingError, parse_mapping, run_import

NOW = dt.datetime(2026, 11, 26, 12, 0)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    database = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    monkeypatch.setenv("CRM_OLTP_URL", database)
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    return database


def _stages(url: str, kind: str) -> list[str]:
    engine = create_engine(url)
    with Session(engine) as session:
        kind_id = session.scalars(select(DealKind.id).where(DealKind.name == kind)).one()
        names = list(
            session.scalars(
                select(SalesStage.name)
                .where(SalesStage.deal_kind_id == kind_id)
                .order_by(SalesStage.sequence)
            )
        )
    engine.dispose()
    return names


def test_classifier_add_deal_kind_with_stages_in_order(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classifier", "add", "deal-kind", "Опт", "--stages", "Контакт, КП,Договор"]) == 0
    assert _stages(url, "Опт") == ["Контакт", "КП", "Договор"]
    # A taken name is one line and exit 2, nothing added.
    assert main(["classifier", "add", "deal-kind", "Опт", "--stages", "A"]) == 2
    assert "already used" in capsys.readouterr().err
    assert _stages(url, "Опт") == ["Контакт", "КП", "Договор"]
    # A stage named twice is refused with nothing stored (not even the kind).
    assert main(["classifier", "add", "deal-kind", "Розница", "--stages", "A,B,a"]) == 2
    engine = create_engine(url)
    with Session(engine) as session:
        assert session.scalars(select(DealKind).where(DealKind.name == "Розница")).first() is None
    engine.dispose()


def test_classifier_add_claim_reason_under_a_group_and_others(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classifier", "add", "claim-reason", "Брак", "--parent", "Качество"]) == 2
    assert "create the group first" in capsys.readouterr().err
    assert main(["classifier", "add", "claim-reason", "Качество"]) == 0
    assert main(["classifier", "add", "claim-reason", "Брак", "--parent", "Качество"]) == 0
    assert main(["classifier", "add", "loss-reason", "Дорого"]) == 0
    assert main(["classifier", "add", "business-region", "Центр", "--code", "C"]) == 0
    assert main(["classifier", "add", "partner-role", "Дилер"]) == 0
    assert main(["classifier", "add", "loss-reason", "x" * 201]) == 2
    engine = create_engine(url)
    with Session(engine) as session:
        reasons = {r.name: r for r in session.scalars(select(ClaimReason))}
        assert reasons["Брак"].parent_id == reasons["Качество"].id
        assert list(session.scalars(select(LossReason.name))) == ["Дорого"]
    engine.dispose()


@pytest.mark.parametrize(
    "kind", ["deal-kind", "loss-reason", "claim-reason", "business-region", "partner-role"]
)
def test_every_classifier_command_has_help(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["classifier", "add", kind, "--help"])
    assert exited.value.code == 0
    assert f"crm classifier add {kind}" in capsys.readouterr().out


DEALS = {
    "entity": "deals",
    "fields": {
        "number": {"column": "N", "required": True},
        "name": {"column": "Name", "required": True},
        "partner": {"column": "Partner", "create_missing": True},
        "deal_kind": {
            "default": "Продажа",
            "create_missing": True,
            "stages": ["Контакт", "Потребность", "Договор"],
        },
        "status": {
            "column": "Status",
            "map": {"open": "in_progress", "won": "won", "lost": "lost"},
        },
        "stage": {"column": "Stage"},
        "created_at": {"column": "Created", "required": True},
        "closed_at": {"column": "Closed"},
        "loss_reason": {"column": "Reason", "create_missing": True},
    },
}


def _csv(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "deals.csv"
    path.write_text("\n".join(["N,Name,Partner,Status,Stage,Created,Closed,Reason", *lines]))
    return path


def test_create_missing_makes_the_kind_with_stages_and_the_dry_run_says_would_create(
    url: str, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        [
            "D1,One,Acme,open,Потребность,2026-01-10,,",
            "D2,Two,Acme,won,Потребность,2026-01-10,2026-02-01,",
            "D3,Three,Beta,lost,Контакт,2026-01-10,2026-02-01,Дорого",
        ],
    )
    mapping = parse_mapping(DEALS)
    dry = run_import(url, "deals", path, mapping, dry_run=True, now=NOW)
    assert not dry.errors and dry.imported == 3
    assert dry.created == {"deal kind": 1, "partner": 2, "loss reason": 1}
    from operational_app.importer import describe, describe_created

    assert ("would create deal kind", 1) in describe(dry)
    assert ("would be imported", 3) in describe(dry)
    assert describe_created(dry) == [
        "would create deal kind 'Продажа' (stages: Контакт → Потребность → Договор)",
        "would create loss reason 'Дорого'",
    ]
    engine = create_engine(url)
    with Session(engine) as session:
        assert session.scalars(select(DealKind)).first() is None  # dry run: nothing written
    engine.dispose()
    real = run_import(url, "deals", path, mapping, now=NOW)
    assert not real.errors and real.imported == 3
    assert describe_created(real)[0].startswith("created deal kind 'Продажа'")
    assert ("imported", 3) in describe(real) and ("created deal kind", 1) in describe(real)
    assert _stages(url, "Продажа") == ["Контакт", "Потребность", "Договор"]
    again = run_import(url, "deals", path, mapping, now=NOW)
    assert again.created == {} and again.unchanged == 3


def test_create_missing_refused_by_the_domain_is_a_row_error(url: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, [f"D1,One,Acme,lost,Контакт,2026-01-10,2026-02-01,{'x' * 201}"])
    summary = run_import(url, "deals", path, parse_mapping(DEALS), now=NOW)
    assert summary.imported == 0
    assert [e.column for e in summary.errors] == ["Reason"]
    assert "cannot create loss reason" in summary.errors[0].message


def test_mapping_rejects_stages_outside_deal_kind_and_contradictions() -> None:
    bad = {**DEALS, "fields": {**DEALS["fields"], "partner": {"column": "P", "stages": ["A"]}}}
    with pytest.raises(MappingError, match="only deal_kind has stages"):
        parse_mapping(bad)
    bad = {
        **DEALS,
        "fields": {**DEALS["fields"], "partner": {"create_missing": True, "on_unknown": "default"}},
    }
    with pytest.raises(MappingError, match="contradicts"):
        parse_mapping(bad)


def test_every_error_of_every_row_is_reported(url: str, tmp_path: Path) -> None:
    """A bad date, an unknown deal kind and an unknown partner in one row: three errors, not the
    first kind only; a row with only an unknown partner still reports it."""
    fields = dict(DEALS["fields"])
    fields["partner"] = {"column": "Partner"}  # no creation: unknown partners are errors
    fields["deal_kind"] = {"column": "Name"}  # no such kind
    mapping = parse_mapping({**DEALS, "fields": fields})
    path = _csv(
        tmp_path,
        ["D1,Nokind,Ghost,open,Контакт,not-a-date,,", "D2,Nokind,Ghost2,open,Контакт,2026-01-01,,"],
    )
    summary = run_import(url, "deals", path, mapping, now=NOW)
    by_row: dict[int, set[str | None]] = {}
    for error in summary.errors:
        by_row.setdefault(error.row, set()).add(error.column)
    assert by_row == {1: {"Created", "Partner", "Name"}, 2: {"Partner", "Name"}}
    from operational_app.importer import error_kinds

    kinds = error_kinds(summary.errors)
    assert sorted((count, first.column) for _kind, count, first in kinds) == [
        (1, "Created"),
        (2, "Name"),
        (2, "Partner"),
    ]


@pytest.mark.postgres
def test_create_missing_and_a_refusal_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    """Savepoints on PostgreSQL: a refused loss reason leaves the row's other creations and the
    rest of the chunk intact."""
    from operational_app.importer.classifiers import add_classifier

    add_classifier(postgres_url, "loss-reason", "Дорого")
    path = _csv(
        tmp_path,
        [
            "D1,One,Acme,lost,Контакт,2026-01-10,2026-02-01,Дорого",
            f"D2,Two,Beta,lost,Контакт,2026-01-10,2026-02-01,{'x' * 201}",
            "D3,Three,Acme,won,Договор,2026-01-10,2026-02-01,",
        ],
    )
    summary = run_import(postgres_url, "deals", path, parse_mapping(DEALS), now=NOW)
    assert summary.imported == 2 and [e.row for e in summary.errors] == [2]
    assert _stages(postgres_url, "Продажа") == ["Контакт", "Потребность", "Договор"]
