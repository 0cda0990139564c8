"""Assembly only: every asset, resource, job and schedule of the pipeline."""

from __future__ import annotations

import dagster as dg

from crm.settings import Settings, get_settings
from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.ingestion import raw_oltp_tables
from orchestration.publish import build_publish_asset
from orchestration.resources import (
    dbt_project,
    dbt_resource,
    point_dbt_at_build_database,
    prepare_dbt_project,
    warehouse_resource,
)
from orchestration.schedules import daily_full_pipeline_schedule, full_pipeline_job


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project()
    prepare_dbt_project(project)
    point_dbt_at_build_database(settings)
    dbt_models = build_dbt_assets(project)
    return dg.Definitions(
        assets=[raw_oltp_tables, dbt_models, build_publish_asset(dbt_models)],
        jobs=[full_pipeline_job],
        schedules=[daily_full_pipeline_schedule],
        resources={
            "warehouse": warehouse_resource(settings),
            "dbt": dbt_resource(project),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(get_settings())
