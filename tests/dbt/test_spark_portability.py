"""The dbt project builds on Spark (`--target spark`, a local session) with the same marts as on
DuckDB, by the path `crm pipeline --engine spark` takes (ingestion/spark.py).

One small raw warehouse (tests/dbt/raw_build.py) is built in DuckDB and copied; dbt builds the
copy's snapshot on DuckDB, the raw tables and the snapshot go to Spark as Parquet, `dbt build`
(models and data tests) runs on Spark, and the marts come back into the copy cast to the
contract types. Every mart must hold the same rows, with the same column types, as the DuckDB
build of the original, and the dbt unit tests pass on Spark. Marked `spark` (`make
test-spark`); skipped with the reason when the optional group or Java is missing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion import spark
from orchestration.dbt_in_process import _close_duckdb
from tests.dbt.raw_build import AS_OF, build_raw_duckdb
from tests.dbt.test_postgres_portability import SCALE, sorted_rows

pytestmark = pytest.mark.spark

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
AS_OF_VARS = json.dumps({"as_of": f"{AS_OF.isoformat()} 23:59:59.999999"})
BUILT_SCHEMAS = ("main", "staging", "intermediate", "marts", "dbt_test__audit")


def dbt(
    args: list[str], work: Path, name: str, database: Path, ran: list[str] | None = None
) -> list[tuple[str, str, str]]:
    """One dbt command in this process; the (node, status, message) of every node that did
    not succeed (and, into `ran`, the id of every node it ran)."""
    from dbt.cli.main import dbtRunner

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(database))
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(PROJECT_DIR),
                "--profiles-dir",
                str(PROJECT_DIR),
                "--target-path",
                str(work / f"target-{name}"),
                "--log-path",
                str(work / f"logs-{name}"),
                "--no-partial-parse",
                "--quiet",
                "--vars",
                AS_OF_VARS,
            ]
        )
    _close_duckdb()
    assert result.result is not None, result.exception
    if ran is not None:
        ran.extend(node.node.unique_id for node in result.result)
    return [
        (node.node.unique_id, str(node.status), node.message or "")
        for node in result.result
        if str(node.status) not in ("success", "pass") and node.node.resource_type != "exposure"
    ]


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict]]:
    if reason := spark.spark_available():
        pytest.skip(f"dbt on Spark is not tested: {reason}")
    work = tmp_path_factory.mktemp("spark_portability")
    duck = build_raw_duckdb(work / "duckdb.duckdb", workdir=work, scale=SCALE)
    on_spark = work / "spark.duckdb"
    shutil.copyfile(duck, on_spark)

    duck_failures = dbt(["build", "--exclude", "resource_type:unit_test"], work, "duckdb", duck)
    snapshot_failures = dbt(
        ["build", "--select", "+resource_type:snapshot", "--exclude", "resource_type:unit_test"],
        work,
        "snapshot",
        on_spark,
    )
    with duckdb.connect(str(on_spark)) as con:
        files = spark.export_tables_to_parquet(
            con, [*spark.RAW_SCHEMAS, spark.SNAPSHOT_SCHEMA], work / "parquet"
        )
    session = spark.spark_session(work / "spark")
    try:
        spark.drop_built_schemas(session, BUILT_SCHEMAS)
        spark.register_parquet_tables(session, files)
        spark_failures = dbt(
            [
                "build",
                "--target",
                "spark",
                "--exclude",
                "resource_type:snapshot",
                "resource_type:unit_test",
            ],
            work,
            "spark",
            on_spark,
        )
        # The unit tests (fixtures in, expected rows out) on Spark too: the models' SQL on
        # Spark's semantics, row by row, beyond what the small raw warehouse exercises.
        unit_tests: list[str] = []
        unit_failures = dbt(
            ["test", "--target", "spark", "--select", "resource_type:unit_test"],
            work,
            "spark-unit",
            on_spark,
            ran=unit_tests,
        )
        manifest = json.loads((work / "target-spark" / "manifest.json").read_text())
        with duckdb.connect(str(on_spark)) as con:
            loaded = spark.import_marts_to_duckdb(
                session, con, work / "export", spark.contract_column_types(manifest)
            )
        yield (
            duck,
            on_spark,
            {
                "files": files,
                "loaded": loaded,
                "duckdb": duck_failures,
                "snapshot": snapshot_failures,
                "spark": spark_failures,
                "spark_unit": unit_failures,
                "spark_unit_tests": unit_tests,
            },
        )
    finally:
        session.stop()


def test_raw_tables_reach_spark_as_parquet(both_builds: tuple[Path, Path, dict]) -> None:
    _, _, outcome = both_builds
    files = outcome["files"]
    for table in ("raw_oltp.deals", "raw_gis.exchange_events", "raw_ofd.receipts"):
        assert files[table].stat().st_size > 0
    assert "snapshots.partners_snapshot" in files


def test_dbt_build_passes_on_both_engines(both_builds: tuple[Path, Path, dict]) -> None:
    _, _, outcome = both_builds
    assert outcome["duckdb"] == [], outcome["duckdb"]
    assert outcome["snapshot"] == [], outcome["snapshot"]
    assert outcome["spark"] == [], outcome["spark"]


def test_unit_tests_pass_on_spark(both_builds: tuple[Path, Path, dict]) -> None:
    _, _, outcome = both_builds
    assert len(outcome["spark_unit_tests"]) >= 40
    assert all(node.startswith("unit_test.") for node in outcome["spark_unit_tests"])
    assert outcome["spark_unit"] == [], outcome["spark_unit"]


def test_every_mart_holds_the_same_rows_and_types_on_both_engines(
    both_builds: tuple[Path, Path, dict],
) -> None:
    duck, on_spark, outcome = both_builds

    def marts(path: Path) -> dict[str, tuple[dict[str, str], list[tuple]]]:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = [
                name
                for (name,) in con.sql(
                    "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
                ).fetchall()
            ]
            found = {}
            for table in tables:
                types = dict(
                    con.sql(
                        "select column_name, data_type from duckdb_columns() "
                        "where schema_name = 'marts' and table_name = ?",
                        params=[table],
                    ).fetchall()
                )
                columns = ", ".join(f'"{column}"' for column in sorted(types))
                found[table] = (types, con.sql(f"select {columns} from marts.{table}").fetchall())
            return found

    expected, actual = marts(duck), marts(on_spark)
    assert sorted(outcome["loaded"]) == sorted(expected)
    assert len(expected) >= 20
    assert sum(len(rows) for _, rows in expected.values()) > 1000
    differing_types = {
        table: (types, actual[table][0])
        for table, (types, _) in expected.items()
        if actual[table][0] != types
    }
    assert differing_types == {}
    mismatched = [
        (table, len(rows), len(actual[table][1]))
        for table, (_, rows) in expected.items()
        if sorted_rows(actual[table][1]) != sorted_rows(rows)
    ]
    assert mismatched == [], mismatched
