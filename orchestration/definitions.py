"""Assembly only: every asset, resource, job and schedule of the pipeline."""

from __future__ import annotations

import dagster as dg

from crm.settings import Settings, get_settings
from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.gis import raw_gis_tables
from orchestration.assets.ingestion import raw_oltp_tables
from orchestration.checks import checks
from orchestration.publish import build_publish_asset
from orchestration.registry_check import registry_check_job, weekly_registry_check_schedule
from orchestration.resources import (
    dbt_project,
    dbt_resource,
    point_dbt_at_build_database,
    prepare_dbt_project,
    warehouse_resource,
)
from orchestration.schedules import full_pipeline_job, schedules
from orchestration.sensors import gis_inbox_sensor

# The group Dagster gives an asset that names none; no asset of this project should be in it.
DAGSTER_DEFAULT_GROUP = "default"


def _resource_type_group(spec: dg.AssetSpec) -> str:
    """ "snapshot.crm_warehouse.partners_snapshot" -> "snapshots" (dbt's unique id)."""
    unique_id = str(spec.metadata.get("dagster_dbt/unique_id", "dbt.other"))
    return f"{unique_id.split('.', 1)[0]}s"


def with_named_groups(dbt_models: dg.AssetsDefinition) -> dg.AssetsDefinition:
    """Every dbt asset in a named group: models are grouped by their layer folder (staging,
    intermediate, marts; orchestration/assets/dbt.py); what lies outside those folders (the
    snapshot) would land in Dagster's "default" group and is grouped by its dbt resource type
    instead ("snapshots")."""

    def named(spec: dg.AssetSpec) -> dg.AssetSpec:
        if spec.group_name not in (None, DAGSTER_DEFAULT_GROUP):
            return spec
        return spec.replace_attributes(group_name=_resource_type_group(spec))

    return dbt_models.map_asset_specs(named)


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project()
    # The profile is read with this environment; parse with the one the runs will use, so
    # that dbt's partial-parse state stays valid between them.
    point_dbt_at_build_database(settings)
    prepare_dbt_project(project)
    dbt_models = with_named_groups(build_dbt_assets(project))
    return dg.Definitions(
        assets=[raw_oltp_tables, raw_gis_tables, dbt_models, build_publish_asset(dbt_models)],
        jobs=[full_pipeline_job, registry_check_job],
        asset_checks=checks,
        schedules=[*schedules, weekly_registry_check_schedule],
        sensors=[gis_inbox_sensor],
        resources={
            "warehouse": warehouse_resource(settings),
            "dbt": dbt_resource(project),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    return build_definitions(get_settings())
