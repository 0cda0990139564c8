"""The dbt unit tests (`unit_tests:` in the model yml files) run here, in CI: the pipeline's
builds leave them out, as dbt Labs recommends for production (orchestration/assets/dbt.py)."""

from __future__ import annotations

import pytest

from tests.dbt.dbt_runner import Dbt
from tests.dbt.raw_build import build_raw_duckdb


def test_every_unit_test_passes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path_factory.mktemp("unit_tests")
    database = build_raw_duckdb(work / "build.duckdb", workdir=work)
    monkeypatch.setenv("CRM_DBT_DUCKDB_PATH", str(database))
    dbt = Dbt(work, database)
    # A unit test reads its inputs' columns from their relations: models and snapshots are
    # built in the same command, each after the unit tests that guard it.
    results = dbt.invoke("build", "--exclude-resource-type", "test")
    names = {unit_test.name for unit_test in dbt.manifest.unit_tests.values()}
    unit_tests = {name: outcome for name, outcome in results.items() if name in names}
    assert len(unit_tests) == len(names) >= 13
    failed = {name: outcome for name, outcome in unit_tests.items() if outcome[0] != "pass"}
    assert not failed, failed
    built = {name: outcome for name, outcome in results.items() if name not in unit_tests}
    assert {status for status, _ in built.values()} == {"success"}, built
