"""`crm import`: the shared real datasets against figures computed here with the csv module,
errors files, idempotent re-runs, messy small files (BOM, CRLF, cp1251, junk lines), XLSX."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import (
    Claim,
    ClaimReason,
    Deal,
    DealKind,
    DealStageHistory,
    Interaction,
    LossReason,
    Partner,
    SalesStage,
    User,
)
from operational_app.db.session import create_oltp_engine
from operational_app.domain import deals as deal_service
from operational_app.importer import parse_mapping, plan_stage_history, run_import
from operational_app.seed.reference import TYPICAL

DATASETS = Path(__file__).resolve().parents[3].parent / "shared" / "datasets"
MAVEN = DATASETS / "crm_sales_opportunities"
CFPB = DATASETS / "cfpb_complaints_sample" / "complaints_sample.csv"
MAPPINGS = Path(__file__).resolve().parents[3] / "operational_app" / "importer" / "mappings"
NOW = dt.datetime(2026, 11, 26, 12, 0)

needs_datasets = pytest.mark.skipif(
    not (MAVEN / "sales_pipeline.csv").exists() or not CFPB.exists(),
    reason=f"shared datasets not found under {DATASETS}",
)


def _prepare(url: str) -> str:
    """A migrated database with the typical sales process (what `crm seed` also creates)."""
    upgrade_to_head(url)
    engine = create_oltp_engine(url)
    with Session(engine) as session:
        kind = DealKind(name=TYPICAL.name, has_stages=True)
        session.add(kind)
        session.flush()
        session.add_all(
            SalesStage(deal_kind_id=kind.id, name=name, sequence=(i + 1) * 10)
            for i, name in enumerate(TYPICAL.stages)
        )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def url(tmp_path: Path) -> str:
    return _prepare(f"sqlite:///{tmp_path / 'crm.sqlite3'}")


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def _pipeline_rows() -> list[dict[str, str]]:
    with (MAVEN / "sales_pipeline.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _import_maven(url: str, tmp_path: Path) -> tuple[object, object]:
    partners = run_import(
        url,
        "partners",
        MAVEN / "accounts.csv",
        MAPPINGS / "maven_sales_pipeline_partners.yml",
        now=NOW,
    )
    deals = run_import(
        url,
        "deals",
        MAVEN / "sales_pipeline.csv",
        MAPPINGS / "maven_sales_pipeline_deals.yml",
        errors_path=tmp_path / "errors.csv",
        now=NOW,
    )
    return partners, deals


LEAD_PARTNER = "Потенциальный клиент (не указан)"


def _check_maven(url: str, tmp_path: Path) -> None:
    rows = _pipeline_rows()
    stages = Counter(r["deal_stage"] for r in rows)
    won_value = sum(Decimal(r["close_value"]) for r in rows if r["deal_stage"] == "Won")
    leads = [r for r in rows if not r["account"]]
    assert leads and all(r["deal_stage"] in ("Prospecting", "Engaging") for r in leads)
    engine = create_engine(url)
    with Session(engine) as session:
        by_status = dict(
            session.execute(select(Deal.status, func.count()).group_by(Deal.status)).tuples().all()
        )
        # Every row is kept, leads included: the counts per stage are the file's.
        assert by_status == {
            "won": stages["Won"],
            "lost": stages["Lost"],
            "in_progress": stages["Engaging"] + stages["Prospecting"],
        }
        won_sum = session.scalar(
            select(func.sum(Deal.potential_amount)).where(Deal.status == "won")
        )
        assert Decimal(won_sum) == won_value
        partner_names = set(session.scalars(select(Partner.name)))
        assert partner_names == ({r["account"] for r in rows if r["account"]} | _accounts()) | {
            LEAD_PARTNER
        }
        # Leads live on the one potential-client partner: a customer without a counterparty.
        lead = session.scalars(select(Partner).where(Partner.name == LEAD_PARTNER)).one()
        assert lead.kind == "customer"
        assert (
            _scalar(url, f"select count(*) from counterparties where partner_id = {lead.id}") == 0
        )
        lead_deals = session.scalar(
            select(func.count()).select_from(Deal).where(Deal.partner_id == lead.id)
        )
        assert lead_deals == len(leads)
        agents = {r["sales_agent"] for r in rows}
        assert set(session.scalars(select(User.full_name))) == agents
        # Stage history as the domain writes it: won deals end on the final stage, lost ones on
        # stage 2, every deal has exactly one row per stage it entered, no open row when closed.
        stage_ids = [
            s.id for s in session.scalars(select(SalesStage).order_by(SalesStage.sequence))
        ]
        final_won = session.scalar(
            select(func.count())
            .select_from(Deal)
            .where(Deal.status == "won", Deal.current_stage_id == stage_ids[-1])
        )
        assert final_won == stages["Won"]
        open_rows_of_closed = session.scalar(
            select(func.count())
            .select_from(DealStageHistory)
            .join(Deal, Deal.id == DealStageHistory.deal_id)
            .where(Deal.status != "in_progress", DealStageHistory.left_at.is_(None))
        )
        assert open_rows_of_closed == 0
        expected_history = (
            stages["Prospecting"] + 2 * stages["Engaging"] + 2 * stages["Lost"] + 5 * stages["Won"]
        )
        assert session.scalar(select(func.count()).select_from(DealStageHistory)) == (
            expected_history
        )
        lost = session.scalars(select(Deal).where(Deal.status == "lost").limit(1)).one()
        assert lost.loss_reason_id is not None and lost.current_stage_id == stage_ids[1]
    engine.dispose()
    with (tmp_path / "errors.csv").open(newline="", encoding="utf-8-sig") as handle:
        assert list(csv.DictReader(handle)) == []


def _accounts() -> set[str]:
    with (MAVEN / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        return {r["account"] for r in csv.DictReader(handle)}


@needs_datasets
def test_maven_pipeline_matches_the_csv_and_reimports_nothing(url: str, tmp_path: Path) -> None:
    partners, deals = _import_maven(url, tmp_path)
    assert partners.imported == 85 and not partners.errors
    assert deals.read == 8_800 and deals.imported == 8_800 and not deals.errors
    _check_maven(url, tmp_path)
    # Sectors became roles; "technolgy" and "technology" are one role.
    with (MAVEN / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        sectors = {r["sector"].replace("technolgy", "technology") for r in csv.DictReader(handle)}
    assert _scalar(url, "select count(*) from partner_roles") == len(sectors)
    assert _scalar(url, "select count(*) from partner_role_links") == 85

    again_partners, again = _import_maven(url, tmp_path)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, deals.imported)
    assert (again_partners.imported, again_partners.updated) == (0, 0)
    _check_maven(url, tmp_path)


@needs_datasets
def test_unknown_product_is_an_error_with_a_suggestion(url: str, tmp_path: Path) -> None:
    document = yaml.safe_load((MAPPINGS / "maven_sales_pipeline_deals.yml").read_text())
    del document["fields"]["product"]["map"]  # without the fix for the export's "GTXPro"
    summary = run_import(
        url, "deals", MAVEN / "sales_pipeline.csv", parse_mapping(document), now=NOW
    )
    rows = _pipeline_rows()
    bad = {i for i, r in enumerate(rows, start=1) if r["product"] == "GTXPro"}
    assert {e.row for e in summary.errors} == bad
    product_errors = [e for e in summary.errors if e.column == "product"]
    assert len(product_errors) == sum(r["product"] == "GTXPro" for r in rows)
    assert "did you mean 'GTX Pro'" in product_errors[0].message
    assert summary.imported == len(rows) - len(bad)


@needs_datasets
def test_cfpb_complaints_match_the_csv(url: str, tmp_path: Path) -> None:
    with CFPB.open(newline="", encoding="utf-8") as handle:
        handle.readline(), handle.readline()  # the two lines of unzip output
        rows = list(csv.DictReader(handle))
    responses = Counter(r["Company response to consumer"] for r in rows)
    satisfied = (
        responses["Closed with monetary relief"] + responses["Closed with non-monetary relief"]
    )
    in_work = responses["In progress"] + responses["Untimely response"]
    summary = run_import(
        url,
        "claims",
        CFPB,
        MAPPINGS / "cfpb_complaints_claims.yml",
        errors_path=tmp_path / "errors.csv",
        now=NOW,
    )
    assert (summary.read, summary.imported, len(summary.errors)) == (len(rows), len(rows), 0)
    engine = create_engine(url)
    with Session(engine) as session:
        status = Counter(session.scalars(select(Claim.status)))
        assert status == {"resolved": len(rows) - in_work, "in_work": in_work}
        assert Counter(session.scalars(select(Claim.result))) == {
            "satisfied": satisfied,
            "not_satisfied": len(rows) - in_work - satisfied,
            None: in_work,
        }
        assert session.scalar(select(func.count()).select_from(Partner)) == len(
            {r["Company"] for r in rows}
        )
        groups = session.scalar(
            select(func.count()).select_from(ClaimReason).where(ClaimReason.parent_id.is_(None))
        )
        assert groups == len({r["Product"] for r in rows})
        assert session.scalar(select(func.count()).select_from(ClaimReason)) == groups + len(
            {(r["Product"], r["Issue"]) for r in rows}
        )
        portal = session.scalar(
            select(func.count()).select_from(Claim).where(Claim.source == "portal")
        )
        assert portal == sum(r["Submitted via"] == "Web" for r in rows)
        first = session.scalars(
            select(Claim).where(Claim.number == f"IMP-{rows[0]['Complaint ID']}")
        )
        claim = first.one()
        assert claim.registered_at == dt.datetime.fromisoformat(rows[0]["Date received"])
        narrated = next(r for r in rows if "\n" in r["Consumer complaint narrative"])
        stored = session.scalar(
            select(Claim.description).where(Claim.number == f"IMP-{narrated['Complaint ID']}")
        )
        assert narrated["Consumer complaint narrative"] in stored  # quoted newlines kept
    engine.dispose()
    again = run_import(url, "claims", CFPB, MAPPINGS / "cfpb_complaints_claims.yml", now=NOW)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, len(rows))
    assert _scalar(url, "select count(*) from claims") == len(rows)
    assert _scalar(url, "select count(*) from claim_reasons") == groups + len(
        {(r["Product"], r["Issue"]) for r in rows}
    )


@needs_datasets
@pytest.mark.postgres
def test_maven_pipeline_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    url = _prepare(postgres_url)
    deals = _import_maven(url, tmp_path)[1]
    assert deals.imported == len(_pipeline_rows()) and not deals.errors
    _check_maven(url, tmp_path)
    again = _import_maven(url, tmp_path)[1]
    assert (again.imported, again.updated) == (0, 0)


# -- small messy files ----------------------------------------------------------------------------

INTERACTIONS_MAPPING = {
    "entity": "interactions",
    "source": {"skip_rows": 2},
    "fields": {
        "kind": {
            "column": "Вид",
            "map": {"Звонок": "call", "Встреча": "meeting", "Письмо": "email"},
        },
        "partner": {"column": "Партнёр", "required": True, "on_unknown": "create"},
        "summary": {"column": "Тема", "required": True},
        "description": {"column": "Описание"},
        "planned_at": {"column": "Дата", "formats": ["%d.%m.%Y %H:%M"], "required": True},
        "status": {"column": "Состояние", "map": {"Выполнено": "done", "Запланировано": "planned"}},
        "responsible": {"column": "Ответственный", "on_unknown": "create"},
        "topic": {"column": "Тема", "on_unknown": "create"},
        "deal": {"column": "Сделка"},
    },
}


def _write(path: Path, text_value: str, encoding: str) -> Path:
    path.write_bytes(text_value.encode(encoding))
    return path


def test_cp1251_semicolons_crlf_junk_lines_and_quoted_newlines(url: str, tmp_path: Path) -> None:
    content = (
        "Выгрузка из 1С:Предприятие\r\n"
        "Сформирован 26.11.2026\r\n"
        "Вид;Партнёр;Тема;Описание;Дата;Состояние;Ответственный;Сделка\r\n"
        'Звонок;ООО "Ромашка";Уточнить заказ;"Первая строка\r\nвторая строка";'
        "02.11.2026 10:30;Выполнено;Иванов Иван;\r\n"
        "Встреча;ИП Петров;Презентация;;03.11.2026 15:00;Запланировано;Иванов Иван;\r\n"
        "Звнок;ИП Петров;Ошибка вида;;03.11.2026 16:00;Запланировано;;\r\n"
        "Письмо;ИП Петров;Плохая дата;;31.02.2026 16:00;Запланировано;;\r\n"
        "Письмо;ИП Петров;Чужая сделка;;04.11.2026 16:00;Запланировано;;СД-404\r\n"
    )
    source = _write(tmp_path / "interactions.csv", content, "cp1251")
    mapping = parse_mapping(INTERACTIONS_MAPPING)
    summary = run_import(url, "interactions", source, mapping, errors_path=tmp_path / "e.csv")
    assert (summary.read, summary.imported, summary.failed_rows) == (5, 2, 3)
    messages = {e.row: e.message for e in summary.errors}
    assert "did you mean 'Звонок'" in messages[3]
    assert "31.02.2026" in messages[4]
    assert "unknown deal number 'СД-404'" in messages[5]
    errors = (tmp_path / "e.csv").read_text(encoding="utf-8-sig").splitlines()
    assert errors[0] == "row,line,column,value,message" and len(errors) == 1 + 3
    # Row 1 spans two physical lines, so row 2 starts on line 6.
    assert {e.row: e.line for e in summary.errors}[3] == 7
    engine = create_engine(url)
    with Session(engine) as session:
        done = session.scalars(select(Interaction).where(Interaction.status == "done")).one()
        assert done.description == "Первая строка\r\nвторая строка" or "вторая строка" in (
            done.description or ""
        )
        assert done.done_at == done.planned_at == dt.datetime(2026, 11, 2, 10, 30)
    engine.dispose()

    # Re-run with one changed value: that row is updated, the other unchanged, nothing added.
    changed = content.replace("Запланировано;Иванов Иван", "Выполнено;Иванов Иван")
    _write(source, changed, "cp1251")
    again = run_import(url, "interactions", source, mapping)
    assert (again.imported, again.updated, again.unchanged) == (0, 1, 1)
    assert _scalar(url, "select count(*) from interactions") == 2


def test_utf8_bom_comma_file_and_dry_run(url: str, tmp_path: Path) -> None:
    source = _write(
        tmp_path / "partners.csv",
        "Наименование,Вид\r\nООО Альфа,Клиент\r\nООО Бета,Поставщик\r\nООО Гамма,Конкурент\r\n",
        "utf-8-sig",
    )
    mapping = parse_mapping(
        {
            "entity": "partners",
            "fields": {
                "name": {"column": "Наименование", "required": True},
                "kind": {"column": "Вид", "map": {"Клиент": "customer", "Поставщик": "supplier"}},
            },
        }
    )
    dry = run_import(url, "partners", source, mapping, dry_run=True)
    assert (dry.imported, dry.failed_rows) == (2, 1)
    assert "'Конкурент' is not one of customer" in dry.errors[0].message
    assert _scalar(url, "select count(*) from partners") == 0
    real = run_import(url, "partners", source, mapping)
    assert real.imported == 2
    assert _scalar(url, "select kind from partners where name = 'ООО Бета'") == "supplier"


def test_xlsx_round_trip(url: str, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Отчёт по сделкам"])  # a title row above the header
    sheet.append(["Номер", "Клиент", "Этап", "Сумма", "Создана", "Закрыта", "Менеджер"])
    sheet.append(
        ["A-1", "ООО Альфа", "Переговоры", 125000.5, dt.datetime(2026, 10, 1), None, "Иванов"]
    )
    sheet.append(
        [
            "A-2",
            "ООО Альфа",
            "Выиграна",
            "1 200,00",
            dt.datetime(2026, 9, 1),
            dt.datetime(2026, 9, 20),
            "Иванов",
        ]
    )
    sheet.append(
        [
            "A-3",
            "ООО Бета",
            "Проиграна",
            0,
            dt.datetime(2026, 9, 5),
            dt.datetime(2026, 9, 2),
            "Петров",
        ]
    )
    workbook.save(tmp_path / "deals.xlsx")
    mapping = parse_mapping(
        {
            "entity": "deals",
            "source": {"header_contains": ["Номер", "Клиент"]},
            "fields": {
                "number": {"template": "XL-{Номер}", "required": True},
                "name": {"template": "Сделка {Номер}", "required": True},
                "partner": {"column": "Клиент", "required": True, "on_unknown": "create"},
                "deal_kind": {"default": TYPICAL.name},
                "manager": {"column": "Менеджер", "on_unknown": "create"},
                "status": {
                    "column": "Этап",
                    "map": {"Переговоры": "in_progress", "Выиграна": "won", "Проиграна": "lost"},
                },
                "stage": {"column": "Этап", "map": {"Выиграна": None, "Проиграна": None}},
                "potential_amount": {"column": "Сумма"},
                "created_at": {"column": "Создана"},
                "closed_at": {"column": "Закрыта"},
                "loss_reason": {"default": "Высокая цена", "on_unknown": "create"},
            },
        }
    )
    summary = run_import(url, "deals", tmp_path / "deals.xlsx", mapping)
    assert (summary.imported, summary.failed_rows) == (2, 1)
    assert summary.errors[0].line == 5 and "before the creation date" in summary.errors[0].message
    engine = create_engine(url)
    with Session(engine) as session:
        open_deal = session.scalars(select(Deal).where(Deal.number == "XL-A-1")).one()
        assert open_deal.potential_amount == Decimal("125000.50")
        stage = session.get(SalesStage, open_deal.current_stage_id)
        assert stage is not None and stage.name == "Переговоры"
        won = session.scalars(select(Deal).where(Deal.number == "XL-A-2")).one()
        assert (won.status, won.potential_amount) == ("won", Decimal("1200.00"))
        assert won.closed_at == dt.datetime(2026, 9, 20)
    engine.dispose()


# -- the history plan is what the domain services write ------------------------------------------


@pytest.mark.parametrize(
    ("target", "status"),
    [(0, "in_progress"), (2, "in_progress"), (1, "won"), (4, "won"), (3, "lost")],
)
def test_history_plan_equals_the_domain_services(url: str, target: int, status: str) -> None:
    created, closed = dt.datetime(2026, 1, 10, 9), dt.datetime(2026, 2, 1, 17)
    engine = create_oltp_engine(url)
    with Session(engine) as session:
        kind = session.scalars(select(DealKind)).one()
        stages = deal_service.kind_stages(session, kind.id)
        partner = Partner(name="П")
        reason = LossReason(name="Цена")
        session.add_all([partner, reason])
        session.flush()
        deal = deal_service.create_deal(
            session, partner_id=partner.id, deal_kind_id=kind.id, name="Д", now=created
        )
        if target:
            deal_service.advance_deal(session, deal.id, stages[target].id, now=created)
        if status == "won":
            deal_service.win_deal(session, deal.id, now=closed)
        elif status == "lost":
            deal_service.lose_deal(session, deal.id, reason.id, now=closed)
        written = [
            (row.stage_id, row.entered_at, row.left_at, row.was_skipped)
            for row in deal_service.stage_history(session, deal.id)
        ]
        current, plan = plan_stage_history(
            [s.id for s in stages],
            target,
            status,
            created,
            closed if status != "in_progress" else None,
        )
        assert current == deal.current_stage_id
        assert [(r.stage_id, r.entered_at, r.left_at, r.was_skipped) for r in plan] == written
        session.rollback()
    engine.dispose()
