from __future__ import annotations

import dagster as dg
import pytest

from crm.settings import get_settings
from orchestration.assets.dbt import dbt_build_args
from orchestration.definitions import build_definitions
from orchestration.run_config import pipeline_run_config
from orchestration.schedules import FULL_PIPELINE_JOB_NAME


def test_dbt_gets_full_refresh_only_when_asked() -> None:
    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args(full_refresh=True) == [
        "build",
        "--exclude-resource-type",
        "unit_test",
        "--full-refresh",
    ]


@pytest.mark.parametrize("full_refresh", [False, True])
def test_the_full_pipeline_job_accepts_the_run_config(
    full_refresh: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(data_dir / "build.duckdb"))
        definitions = build_definitions(get_settings({"CRM_DATA_DIR": str(data_dir)}))
    job = definitions.resolve_job_def(FULL_PIPELINE_JOB_NAME)
    config = pipeline_run_config(full_refresh)
    validated = dg.validate_run_config(job, config)
    for op in ("raw_oltp_tables", "crm_dbt_models"):
        assert validated["ops"][op]["config"]["full_refresh"] is full_refresh
