from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from crm.settings import get_settings
from orchestration.assets.dbt import model_group
from orchestration.assets.ingestion import oltp_table_names, raw_oltp_asset_key
from orchestration.definitions import GROUP_OWNERS, build_definitions, source_version
from orchestration.publish import PUBLISHED_WAREHOUSE_KEY
from orchestration.schedules import FULL_PIPELINE_JOB_NAME


@pytest.fixture(scope="module")
def definitions(tmp_path_factory: pytest.TempPathFactory) -> dg.Definitions:
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(data_dir / "build.duckdb"))
        return build_definitions(get_settings({"CRM_DATA_DIR": str(data_dir)}))


def test_model_group_comes_from_the_layer_folder() -> None:
    assert model_group(["crm_warehouse", "marts", "core", "fct_deals"]) == "marts"
    assert model_group(["crm_warehouse", "staging", "opapp", "stg_opapp__deals"]) == "staging"
    assert model_group(["crm_warehouse", "fct_deals"]) is None


def test_every_oltp_table_is_a_raw_asset(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for table in oltp_table_names():
        assert raw_oltp_asset_key(table) in graph.get_all_asset_keys()
    assert "deal_stage_history" in oltp_table_names()


def test_lineage_runs_raw_to_dbt_to_publish(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    staging_key = next(key for key in keys if key.path[-1] == "stg_opapp__deals")
    assert raw_oltp_asset_key("deals") in graph.get(staging_key).parent_keys
    publish_parents = graph.get(PUBLISHED_WAREHOUSE_KEY).parent_keys
    assert any(key.path[-1] == "fct_deals" for key in publish_parents)
    assert any(key.path[-1] == "rpt_sales_funnel" for key in publish_parents)
    marts = [key for key in keys if key.path[-1] == "fct_deals"]
    assert graph.get(marts[0]).group_name == "marts"


def test_job_and_schedule(definitions: dg.Definitions) -> None:
    job = definitions.resolve_job_def(FULL_PIPELINE_JOB_NAME)
    assert job is not None
    schedule = definitions.resolve_schedule_def("crm_daily_full_pipeline")
    assert schedule.cron_schedule == "30 2 * * *"
    assert schedule.job_name == FULL_PIPELINE_JOB_NAME


def test_every_asset_is_in_a_named_group(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    groups = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert "default" not in set(groups.values())
    assert groups[dg.AssetKey(["snapshots", "partners_snapshot"])] == "snapshots"
    assert groups[PUBLISHED_WAREHOUSE_KEY] == "publish"
    assert groups[raw_oltp_asset_key("deals")] == "raw"
    assert {"raw", "staging", "intermediate", "marts", "publish"} <= set(groups.values())


def test_the_weekly_registry_check_is_assembled(definitions: dg.Definitions) -> None:
    from orchestration.registry_check import REGISTRY_CHECK_JOB_NAME, REGISTRY_CHECK_SCHEDULE_NAME

    assert definitions.get_job_def(REGISTRY_CHECK_JOB_NAME).name == REGISTRY_CHECK_JOB_NAME
    schedule = definitions.get_schedule_def(REGISTRY_CHECK_SCHEDULE_NAME)
    assert schedule.job_name == REGISTRY_CHECK_JOB_NAME


def test_every_asset_has_an_owner_and_a_code_version(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    nodes = [graph.get(key) for key in graph.get_all_asset_keys()]
    assert {node.group_name: tuple(node.owners) for node in nodes} == {
        group: (owner,) for group, owner in GROUP_OWNERS.items()
    }
    assert all(node.code_version for node in nodes)
    python_versions = {node.code_version for node in nodes if node.group_name in ("raw", "publish")}
    assert python_versions == {source_version()}


def test_the_python_assets_code_version_follows_their_source(tmp_path: Path) -> None:
    package = tmp_path / "ingestion"
    package.mkdir()
    (package / "load.py").write_text("ROWS = 1\n")
    before = source_version(("ingestion",), root=tmp_path)
    assert source_version(("ingestion",), root=tmp_path) == before
    (package / "load.py").write_text("ROWS = 2\n")
    changed = source_version(("ingestion",), root=tmp_path)
    (package / "notes.txt").write_text("not code")
    assert changed != before
    assert source_version(("ingestion",), root=tmp_path) == changed
