"""The weekly registry re-check job: runs in process against a SQLite OLTP database with the
local registry loaded, records changes, and stays out of the pipeline job."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dagster._utils.schedules import cron_string_iterator
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from operational_app.db.migrate import upgrade_to_head
from operational_app.db.models import CounterpartyRegistryChange
from operational_app.domain import partners as partner_service
from operational_app.registry.local import load_egrul_file
from orchestration.registry_check import (
    REGISTRY_CHECK_CRON,
    registry_check_job,
    weekly_registry_check_schedule,
)
from orchestration.schedules import full_pipeline_job

SAMPLE = Path(__file__).resolve().parents[1] / "operational_app/registry/data/egrul_sample.xml"


def test_job_records_a_liquidation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    monkeypatch.setenv("CRM_OLTP_URL", url)
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CRM_REGISTRY_SOURCE", "local")
    upgrade_to_head(url)
    engine = create_engine(url)
    with Session(engine) as db:
        load_egrul_file(db, SAMPLE)
        partner = partner_service.create_partner(db, name="Закрытая лавка")
        partner_service.create_counterparty(
            db,
            partner_id=partner.id,
            legal_form="legal_entity",
            inn="7712345671",
            kpp="771201001",
            legal_name="ООО «Закрытая лавка»",
        )
        db.commit()
    result = registry_check_job.execute_in_process()
    assert result.success
    assert result.output_for_node("check_counterparties_in_registry") == 1
    with Session(engine) as db:
        change = db.scalars(select(CounterpartyRegistryChange)).one()
        assert (change.field, change.new_value, change.source) == ("status", "liquidated", "local")
    engine.dispose()


def test_weekly_on_monday_mornings_and_not_in_the_pipeline() -> None:
    start = dt.datetime(2026, 3, 4, tzinfo=dt.UTC).timestamp()  # a Wednesday
    runs = cron_string_iterator(start, REGISTRY_CHECK_CRON, "Europe/Moscow")
    first, second = next(runs), next(runs)
    assert (first.weekday(), first.hour, (second - first).days) == (0, 4, 7)
    assert weekly_registry_check_schedule.job_name == registry_check_job.name
    assert registry_check_job.name != full_pipeline_job.name
