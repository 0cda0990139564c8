"""The job that runs the whole flow, and when it runs.

Two schedules share one job: a nightly full rebuild and incremental runs every 15 minutes in
working hours. The run config of each is built by `nightly_run_config` / `incremental_run_config`
(both over `orchestration.run_config.pipeline_run_config`, which owns the op names and the config
shape), so the difference between the two is one argument.

Both schedules start stopped (Dagster's default): an operator turns them on in the UI, or
`dagster schedule start` them, once the OLTP URL and the data directory are right.
"""

from typing import Any

import dagster as dg

from orchestration.run_config import pipeline_run_config

FULL_PIPELINE_JOB_NAME = "crm_full_pipeline"
NIGHTLY_SCHEDULE_NAME = "crm_daily_full_pipeline"
INCREMENTAL_SCHEDULE_NAME = "crm_working_hours_incremental"
SCHEDULE_TIMEZONE = "Europe/Moscow"

# 02:30 Moscow time, every day: after operators' evening work and before the executives'
# morning. A full rebuild re-copies every raw table and rebuilds incremental models, so anything
# an incremental run could miss (hard deletes, rows committed out of order) is repaired daily.
NIGHTLY_CRON = "30 2 * * *"
# Every 15 minutes from 08:00 to 19:45 Moscow time, Monday to Friday: the managers' working
# day, when dashboards should trail the OLTP by at most a quarter of an hour. Nights and
# weekends get only the nightly rebuild.
INCREMENTAL_CRON = "*/15 8-19 * * 1-5"

full_pipeline_job = dg.define_asset_job(
    name=FULL_PIPELINE_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Extract the OLTP tables, dbt build (models and tests), publish the warehouse.",
)


def nightly_run_config() -> dict[str, Any]:
    """Full refresh of raw tables and incremental models."""
    return pipeline_run_config(full_refresh=True)


def incremental_run_config() -> dict[str, Any]:
    """Merge the rows changed since the last load; dbt updates incremental models."""
    return pipeline_run_config(full_refresh=False)


daily_full_pipeline_schedule = dg.ScheduleDefinition(
    name=NIGHTLY_SCHEDULE_NAME,
    job=full_pipeline_job,
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=SCHEDULE_TIMEZONE,
    run_config=nightly_run_config(),
    tags={"crm/refresh": "full"},
    description="Nightly full rebuild: every raw table copied whole, dbt --full-refresh.",
)


def job_is_busy(instance: dg.DagsterInstance) -> bool:
    """Whether a run of the pipeline job is queued or in progress."""
    records = instance.get_run_records(
        filters=dg.RunsFilter(
            job_name=FULL_PIPELINE_JOB_NAME,
            statuses=[
                dg.DagsterRunStatus.QUEUED,
                dg.DagsterRunStatus.NOT_STARTED,
                dg.DagsterRunStatus.STARTING,
                dg.DagsterRunStatus.STARTED,
            ],
        ),
        limit=1,
    )
    return bool(records)


@dg.schedule(
    name=INCREMENTAL_SCHEDULE_NAME,
    job=full_pipeline_job,
    cron_schedule=INCREMENTAL_CRON,
    execution_timezone=SCHEDULE_TIMEZONE,
    description="Incremental run every 15 minutes in working hours; skipped while another "
    "run of the pipeline is queued or running.",
)
def working_hours_incremental_schedule(
    context: dg.ScheduleEvaluationContext,
) -> dg.RunRequest | dg.SkipReason:
    # A tick that found the previous run still going would only queue a second run behind it
    # (the duckdb_writer pool lets one writer step through at a time), and on a slow day the
    # queue would grow without end. The next tick, 15 minutes later, picks up the changes.
    if job_is_busy(context.instance):
        return dg.SkipReason("a run of the pipeline is still queued or in progress")
    return dg.RunRequest(run_config=incremental_run_config(), tags={"crm/refresh": "incremental"})


schedules = [daily_full_pipeline_schedule, working_hours_incremental_schedule]
