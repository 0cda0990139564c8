"""The weekly counterparty re-check (issue 20): `crm registry check` as a Dagster job.

Not part of the pipeline job (whose selection is every asset): this job is one op that asks the
registry (CRM_REGISTRY_SOURCE) about every counterparty and records changes in the OLTP table
counterparty_registry_changes, the one write to the OLTP database Dagster makes. The pipeline's
next run copies the changes into the warehouse (dim_counterparty_statuses). The logic lives in
operational_app.registry.monitoring; the op only opens the database and reports.
"""

import dagster as dg
from sqlalchemy.orm import Session

from crm.settings import get_settings

REGISTRY_CHECK_JOB_NAME = "crm_registry_check"
REGISTRY_CHECK_SCHEDULE_NAME = "crm_weekly_registry_check"
# 04:00 Moscow time on Mondays: registries publish on working days, the check is done before the
# managers' week starts, and it does not overlap the nightly rebuild at 02:30.
REGISTRY_CHECK_CRON = "0 4 * * 1"


@dg.op(description="Re-check every legal-entity counterparty against the registry.")
def check_counterparties_in_registry(context: dg.OpExecutionContext) -> dg.Output[int]:
    from operational_app.db.migrate import upgrade_to_head
    from operational_app.db.session import create_oltp_engine
    from operational_app.registry.monitoring import check_counterparties
    from operational_app.registry.service import registry_for

    settings = get_settings()
    upgrade_to_head(settings.oltp_url)
    engine = create_oltp_engine(settings.oltp_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            report = check_counterparties(session, registry_for(settings, session))
    finally:
        engine.dispose()
    for counterparty_id, reason in report.failed[:20]:
        context.log.warning(f"counterparty {counterparty_id}: {reason}")
    return dg.Output(
        report.changes,
        metadata={
            "checked": report.checked,
            "changes": report.changes,
            "not_in_registry": len(report.not_found),
            "failed": len(report.failed),
        },
    )


@dg.job(name=REGISTRY_CHECK_JOB_NAME, description="Weekly counterparty re-check (issue 20).")
def registry_check_job() -> None:
    check_counterparties_in_registry()


weekly_registry_check_schedule = dg.ScheduleDefinition(
    name=REGISTRY_CHECK_SCHEDULE_NAME,
    job=registry_check_job,
    cron_schedule=REGISTRY_CHECK_CRON,
    execution_timezone="Europe/Moscow",
    description="Mondays 04:00: re-check counterparties in the registry, record changes.",
)
