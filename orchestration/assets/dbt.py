"""dbt models as Dagster assets; `dbt build` runs models and their tests together."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from ingestion.load import RAW_OLTP_SCHEMA

DBT_LAYERS = ("staging", "intermediate", "marts")


class CrmDbtTranslator(DagsterDbtTranslator):
    """Groups models by their layer folder and maps dbt sources onto the raw assets' keys."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # A source's key is [its schema, table]: opapp -> raw_oltp, gis -> raw_gis.
            schema = dbt_resource_props.get("schema") or RAW_OLTP_SCHEMA
            return dg.AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return model_group(dbt_resource_props.get("fqn", []))


def model_group(fqn: list[str]) -> str | None:
    """`["crm_warehouse", "marts", "sales", "fct_deals"]` -> "marts"."""
    return next((part for part in fqn[1:-1] if part in DBT_LAYERS), None)


class DbtBuildConfig(dg.Config):
    """Run config of the dbt step (`ops: crm_dbt_models: config: ...`)."""

    full_refresh: bool = False
    """Rebuild incremental models from scratch (`dbt build --full-refresh`)."""


def dbt_build_args(full_refresh: bool = False) -> list[str]:
    return ["build", "--full-refresh"] if full_refresh else ["build"]


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=CrmDbtTranslator(),
        pool="duckdb_writer",
    )
    def crm_dbt_models(
        context: dg.AssetExecutionContext, config: DbtBuildConfig, dbt: DbtCliResource
    ):
        yield from dbt.cli(dbt_build_args(config.full_refresh), context=context).stream()

    return crm_dbt_models
