"""Assembly only: every asset, resource, job and schedule of the pipeline."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg

from crm.settings import Settings, get_settings
from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.gis import raw_gis_tables
from orchestration.assets.ingestion import raw_oltp_tables
from orchestration.assets.ofd import raw_ofd_tables
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
REPO = Path(__file__).resolve().parents[1]
# Who answers for an asset, by its group: loading and publishing are the platform's, the dbt
# models the analytics engineers'. Shown in the Dagster UI and usable in selections.
GROUP_OWNERS = {
    "raw": "team:data-platform",
    "publish": "team:data-platform",
    "staging": "team:analytics-engineering",
    "intermediate": "team:analytics-engineering",
    "marts": "team:analytics-engineering",
    "snapshots": "team:analytics-engineering",
}
# The Python assets' code: their code version is a digest of these packages' sources, so the UI
# flags assets built by older code (dbt assets carry dbt's own checksum of each model).
PYTHON_ASSET_SOURCES = ("ingestion", "orchestration")


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


def source_version(packages: tuple[str, ...] = PYTHON_ASSET_SOURCES, root: Path = REPO) -> str:
    """A digest of the packages' Python sources: changes exactly when their code does."""
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def with_owners_and_versions(
    assets: dg.AssetsDefinition, code_version: str | None = None
) -> dg.AssetsDefinition:
    """The group's owner on every asset; `code_version` on those that have none (dbt's own)."""

    def owned(spec: dg.AssetSpec) -> dg.AssetSpec:
        attributes: dict[str, object] = {"owners": [GROUP_OWNERS[spec.group_name]]}
        if code_version is not None and spec.code_version is None:
            attributes["code_version"] = code_version
        return spec.replace_attributes(**attributes)

    return assets.map_asset_specs(owned)


def build_definitions(settings: Settings) -> dg.Definitions:
    project = dbt_project()
    # The profile is read with this environment; parse with the one the runs will use, so
    # that dbt's partial-parse state stays valid between them.
    point_dbt_at_build_database(settings)
    prepare_dbt_project(project)
    dbt_models = with_owners_and_versions(with_named_groups(build_dbt_assets(project)))
    python_version = source_version()
    python_assets = [
        raw_oltp_tables,
        raw_gis_tables,
        raw_ofd_tables,
        build_publish_asset(dbt_models),
    ]
    return dg.Definitions(
        assets=[
            dbt_models,
            *(with_owners_and_versions(assets, python_version) for assets in python_assets),
        ],
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
