"""The job that runs the whole flow, and when it runs."""

from __future__ import annotations

import dagster as dg

FULL_PIPELINE_JOB_NAME = "crm_full_pipeline"

full_pipeline_job = dg.define_asset_job(
    name=FULL_PIPELINE_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Extract the OLTP tables, dbt build (models and tests), publish the warehouse.",
)

# 02:30 Moscow time: after operators' evening work and before the executives' morning.
daily_full_pipeline_schedule = dg.ScheduleDefinition(
    name="crm_daily_full_pipeline",
    job=full_pipeline_job,
    cron_schedule="30 2 * * *",
    execution_timezone="Europe/Moscow",
)
