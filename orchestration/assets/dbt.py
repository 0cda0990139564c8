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
            return dg.AssetKey([RAW_OLTP_SCHEMA, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return model_group(dbt_resource_props.get("fqn", []))


def model_group(fqn: list[str]) -> str | None:
    """`["crm_warehouse", "marts", "sales", "fct_deals"]` -> "marts"."""
    return next((part for part in fqn[1:-1] if part in DBT_LAYERS), None)


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=CrmDbtTranslator(),
        pool="duckdb_writer",
    )
    def crm_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(["build"], context=context).stream()

    return crm_dbt_models
