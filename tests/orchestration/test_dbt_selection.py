"""Incremental runs build only what is downstream of changed raw tables (and the models that
move with the clock); anything unusual (first run, failed or killed build, changed dbt code,
full refresh) builds the whole project."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from ingestion.load import INCREMENTAL, RAW_OLTP_SCHEMA, load_with_watermark
from orchestration.dbt_selection import (
    CLOCK_DEPENDENT_MODELS,
    CLOCK_MARGIN,
    BuildPlan,
    clock_crossed,
    exclusion_args,
    nodes_to_skip,
    plan_build,
    project_fingerprint,
    record_successful_build,
    unchanged_data_tests,
)
from orchestration.resources import dbt_project, prepare_dbt_project

START = dt.datetime(2026, 11, 1, 10, 0)


@pytest.fixture(scope="module")
def manifest() -> dict:
    project = dbt_project()
    prepare_dbt_project(project)
    return json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))


def skipped_names(manifest: dict, plan: BuildPlan) -> set[str]:
    return {manifest["nodes"][unique_id]["name"] for unique_id in nodes_to_skip(manifest, plan)}


def models(manifest: dict) -> set[str]:
    return {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "snapshot")
    }


def test_a_full_plan_skips_nothing(manifest: dict) -> None:
    assert nodes_to_skip(manifest, BuildPlan(None, "full")) == []


def test_changed_deals_rebuild_the_deal_marts_and_leave_claims_alone(manifest: dict) -> None:
    plan = BuildPlan(["source.crm_warehouse.opapp.deals"], "deals changed")
    skipped = skipped_names(manifest, plan)
    built = models(manifest) - skipped
    assert {"stg_opapp__deals", "fct_deals", "fct_deal_stages", "rpt_sales_funnel"} <= built
    assert {"rpt_deal_efficiency", "rpt_pipeline_forecast"} <= built
    assert {"stg_opapp__claims", "fct_claims", "rpt_claim_structure"} <= skipped
    assert {"stg_gis__exchange_events", "fct_gis_documents"} <= skipped


def test_a_test_with_one_rebuilt_parent_still_runs(manifest: dict) -> None:
    plan = BuildPlan(["source.crm_warehouse.opapp.deals"], "deals changed")
    skipped_tests = set(unchanged_data_tests(manifest, plan))
    all_tests = {
        node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"
    }
    # fct_deals is rebuilt, dim_managers is not: the relationship between them is checked.
    relationship = "foreign_keys_fct_deals"
    assert relationship in all_tests - skipped_tests
    assert "dim_managers" in skipped_names(manifest, plan)
    # A claim test has no parent downstream of deals: left out.
    assert {"column_checks_fct_claims", "column_checks_stg_opapp__claims"} <= skipped_tests
    assert not {"column_checks_fct_deals", "column_checks_stg_opapp__deals"} & skipped_tests


def test_clock_dependent_models_and_their_children_rebuild_when_the_clock_crossed(
    manifest: dict,
) -> None:
    skipped = skipped_names(manifest, BuildPlan([], "nothing changed"))
    assert not set(CLOCK_DEPENDENT_MODELS) & skipped
    assert "rpt_debt_ageing" not in skipped  # built on the payment-item ages
    assert {"fct_deals", "stg_opapp__deals", "fct_claims"} <= skipped
    # Nothing fell due: a quiet run builds nothing at all.
    quiet = BuildPlan([], "nothing changed, nothing fell due", clock_crossed=False)
    assert skipped_names(manifest, quiet) == models(manifest)
    # Nothing fell due, but payments changed: the models on top of them still rebuild.
    paid = BuildPlan(["source.crm_warehouse.opapp.payments"], "payments", clock_crossed=False)
    assert {"int_payment_schedule_items_allocated_fifo", "rpt_debt_ageing"}.isdisjoint(
        skipped_names(manifest, paid)
    )
    assert "rpt_events_calendar" in skipped_names(manifest, paid)


def test_the_clock_crosses_on_a_new_day_a_payment_or_a_planned_interaction(
    tmp_path: Path,
) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    since = dt.datetime(2026, 11, 27, 9, 0)
    now = since + dt.timedelta(minutes=15)
    # Without the tables nothing can be ruled out.
    assert clock_crossed(con, since, now)
    con.execute(f"create schema {RAW_OLTP_SCHEMA}")
    con.execute(f"create table {RAW_OLTP_SCHEMA}.payments (id int, paid_at timestamp)")
    con.execute(f"create table {RAW_OLTP_SCHEMA}.interactions (id int, planned_at timestamp)")
    con.execute(
        f"insert into {RAW_OLTP_SCHEMA}.payments values (1, ?), (2, ?)",
        [since - dt.timedelta(hours=1), now + dt.timedelta(hours=2)],
    )
    assert not clock_crossed(con, since, now)
    assert clock_crossed(con, since, now.replace(hour=23, minute=55))  # next day in the margin
    assert clock_crossed(con, since, since.replace(day=28))
    # A payment dated within the quarter hour, or within the margin ahead of it.
    assert clock_crossed(con, since, now + dt.timedelta(hours=2) - CLOCK_MARGIN)
    assert not clock_crossed(con, since, now + dt.timedelta(hours=2) - 2 * CLOCK_MARGIN)
    con.execute(
        f"insert into {RAW_OLTP_SCHEMA}.interactions values (1, ?)", [since + dt.timedelta(5)]
    )
    assert not clock_crossed(con, since, now)
    con.execute(f"insert into {RAW_OLTP_SCHEMA}.interactions values (2, ?)", [now])
    assert clock_crossed(con, since, now)
    con.close()


def test_a_gis_file_rebuilds_every_gis_model(manifest: dict) -> None:
    skipped = skipped_names(manifest, BuildPlan(["source.crm_warehouse.gis.*"], "gis"))
    gis_models = {name for name in models(manifest) if "_gis_" in name}  # not "registry"
    assert gis_models and not gis_models & skipped
    assert "fct_deals" in skipped


def dbt_ls_build_nodes(exclude_args: list[str], work: Path) -> set[str]:
    """Unique ids `dbt build` would run with these arguments, listed by dbt itself, with the
    arguments in the order the pipeline's run gives them (dagster-dbt appends its selection)."""
    from dbt.cli.main import dbtRunner

    project = dbt_project()
    target = work / "target"
    target.mkdir()
    # The project's partial-parse state spares a full parse (~15 s).
    shutil.copyfile(
        Path(project.manifest_path).with_name("partial_parse.msgpack"),
        target / "partial_parse.msgpack",
    )
    result = dbtRunner().invoke(
        [
            "ls",
            "--project-dir",
            str(project.project_dir),
            "--profiles-dir",
            str(project.project_dir),
            "--target-path",
            str(target),
            "--log-path",
            str(work / "logs"),
            "--quiet",
            "--output",
            "json",
            "--output-keys",
            "unique_id",
            # Unit tests run apart; exposures are listed but nothing to build.
            "--exclude-resource-type",
            "unit_test",
            "exposure",
            *exclude_args,
            "--select",
            "fqn:*",
        ]
    )
    assert result.success, result.exception
    return {json.loads(line)["unique_id"] for line in result.result}


@pytest.mark.parametrize(
    "plan",
    [
        BuildPlan(
            ["source.crm_warehouse.opapp.deals", "source.crm_warehouse.opapp.deal_stage_history"],
            "deals and their history changed, the clock crossed",
        ),
        BuildPlan(["source.crm_warehouse.gis.*"], "gis", clock_crossed=False),
        BuildPlan([], "nothing changed, nothing fell due", clock_crossed=False),
    ],
    ids=["deals", "gis", "quiet"],
)
def test_dbt_leaves_out_exactly_the_skipped_models_and_unchanged_tests(
    manifest: dict, plan: BuildPlan, tmp_path: Path
) -> None:
    skipped = set(nodes_to_skip(manifest, plan))
    unchanged_tests = set(unchanged_data_tests(manifest, plan))
    expected = {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "snapshot", "test")
        and unique_id not in skipped
        and node["name"] not in unchanged_tests
    }
    args = exclusion_args(manifest, plan)
    assert len(args[-1].split()) < len(skipped)  # a few `+name`, not a name per node
    listed = dbt_ls_build_nodes(args, tmp_path)
    assert listed == expected
    # A relationship from a rebuilt fact to an unchanged dimension is still checked.
    if plan.changed_sources and "deals" in plan.changed_sources[0]:
        assert any("foreign_keys_fct_deals" in unique_id for unique_id in listed)


def test_skipped_models_come_parents_first(manifest: dict) -> None:
    order = nodes_to_skip(manifest, BuildPlan([], "nothing changed"))
    position = {unique_id: index for index, unique_id in enumerate(order)}
    for unique_id in order:
        for parent in manifest["parent_map"].get(unique_id, []):
            if parent in position:
                assert position[parent] < position[unique_id], (parent, unique_id)


def test_fingerprint_follows_the_dbt_code(manifest: dict) -> None:
    changed = copy.deepcopy(manifest)
    node = next(iter(changed["nodes"].values()))
    node["checksum"]["checksum"] = "edited"
    assert project_fingerprint(manifest) == project_fingerprint(copy.deepcopy(manifest))
    assert project_fingerprint(changed) != project_fingerprint(manifest)


def load(con: duckdb.DuckDBPyConnection, run_id: str, ids: list[int], name: str) -> None:
    data = pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "name": pa.array([name] * len(ids)),
            "updated_at": pa.array([START] * len(ids), pa.timestamp("us")),
        }
    )
    load_with_watermark(con, run_id, RAW_OLTP_SCHEMA, "deals", data, INCREMENTAL, 0.0)


def test_plan_follows_the_ledger_of_successful_builds(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute(f"create schema {RAW_OLTP_SCHEMA}")
    con.execute(
        f"create table {RAW_OLTP_SCHEMA}.deals (id bigint, name varchar, updated_at timestamp)"
    )
    assert plan_build(con, "code-1").is_full  # nothing built yet
    assert plan_build(con, "code-1", full_refresh=True).is_full

    load(con, "run-1", [1, 2], "a")
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    record_successful_build(con, "run-1", started, "code-1", BuildPlan(None, "first"))

    # The same rows loaded again (the safety overlap): no change, nothing to rebuild.
    load(con, "run-2", [1, 2], "a")
    assert plan_build(con, "code-1") == BuildPlan(
        [], "0 source(s) changed since the last successful build"
    )
    # A changed row: its source is rebuilt, until a build succeeds after it.
    load(con, "run-3", [2], "b")
    assert plan_build(con, "code-1").changed_sources == ["source.crm_warehouse.opapp.deals"]
    # A failed or killed build records nothing: the change is still pending on the next run.
    assert plan_build(con, "code-1").changed_sources == ["source.crm_warehouse.opapp.deals"]
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    record_successful_build(con, "run-3", later, "code-1", plan_build(con, "code-1"))
    assert plan_build(con, "code-1").changed_sources == []
    # New dbt code: the whole project again.
    assert plan_build(con, "code-2").is_full
    con.close()


def test_the_clock_dependent_models_are_those_that_read_the_as_of(manifest: dict) -> None:
    """A model that starts calling as_of_timestamp() must join CLOCK_DEPENDENT_MODELS (or lie
    downstream of one), or an incremental run would keep its figures for an old "now"."""
    readers = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and "macro.crm_warehouse.as_of_timestamp" in node["depends_on"]["macros"]
    }
    assert set(CLOCK_DEPENDENT_MODELS) <= readers
    assert not readers & skipped_names(manifest, BuildPlan([], "nothing changed, clock crossed"))


def ledger_with_one_build(tmp_path: Path, as_of: dt.datetime | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute(f"create schema {RAW_OLTP_SCHEMA}")
    con.execute(f"create table {RAW_OLTP_SCHEMA}.payments (id int, paid_at timestamp)")
    con.execute(f"create table {RAW_OLTP_SCHEMA}.interactions (id int, planned_at timestamp)")
    record_successful_build(con, "run-1", START, "code-1", BuildPlan(None, "first"), as_of)
    return con


def test_a_pinned_as_of_never_crosses_by_itself(tmp_path: Path) -> None:
    pinned = dt.datetime(2026, 6, 30, 23, 59, 59, 999999)
    con = ledger_with_one_build(tmp_path, pinned)
    # A payment falling due and days passing on the wall clock move nothing pinned.
    con.execute(
        f"insert into {RAW_OLTP_SCHEMA}.payments values (1, ?)", [START + dt.timedelta(hours=1)]
    )
    a_year_later = START + dt.timedelta(days=365)
    plan = plan_build(con, "code-1", now=a_year_later, as_of=pinned)
    assert plan == BuildPlan([], plan.reason, clock_crossed=False)
    assert "nothing fell due" in plan.reason
    # The same ledger without a pin: the clock crossed (a new day), whatever the pin was.
    assert plan_build(con, "code-1", now=a_year_later).clock_crossed
    con.close()


@pytest.mark.parametrize(
    ("last", "this"),
    [
        (dt.datetime(2026, 6, 30, 23, 59), dt.datetime(2027, 6, 30, 23, 59)),
        (dt.datetime(2026, 6, 30, 23, 59), None),
        (None, dt.datetime(2026, 6, 30, 23, 59)),
    ],
    ids=["moved", "unpinned", "pinned"],
)
def test_a_changed_as_of_rebuilds_the_clock_dependent_models(
    tmp_path: Path, last: dt.datetime | None, this: dt.datetime | None
) -> None:
    con = ledger_with_one_build(tmp_path, last)
    # Minutes after the last build, nothing dated in between: the clock alone would not cross.
    now = START + dt.timedelta(minutes=1)
    assert not plan_build(con, "code-1", now=now, as_of=last).clock_crossed
    plan = plan_build(con, "code-1", now=now, as_of=this)
    assert plan.clock_crossed and not plan.is_full
    assert "the as-of moved" in plan.reason
    # Recorded: the next run with the same as-of has nothing due.
    record_successful_build(con, "run-2", now, "code-1", plan, this)
    assert not plan_build(con, "code-1", now=now, as_of=this).clock_crossed
    con.close()


def test_a_ledger_from_before_the_as_of_gains_it(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    con.execute("create schema meta")
    con.execute(
        "create table meta.dbt_builds (run_id varchar not null, started_at timestamp not null, "
        "finished_at timestamp not null, fingerprint varchar not null, changed_sources varchar)"
    )
    con.execute("insert into meta.dbt_builds values ('old', ?, ?, 'code-1', null)", [START, START])
    pinned = dt.datetime(2026, 6, 30)
    plan = plan_build(con, "code-1", now=START, as_of=pinned)
    assert plan.clock_crossed  # the old build used the build time
    record_successful_build(con, "new", START, "code-1", plan, pinned)
    assert con.sql("select as_of from meta.dbt_builds order by run_id").fetchall() == [
        (pinned,),
        (None,),
    ]
    con.close()


def test_dbt_gets_a_pinned_as_of_as_its_var() -> None:
    from orchestration.assets.dbt import dbt_build_args

    pinned = dt.datetime(2026, 6, 30, 23, 59, 59, 999999)
    args = dbt_build_args(as_of=pinned)
    assert args[:3] == ["build", "--exclude-resource-type", "unit_test"]
    assert args[3] == "--vars"
    assert json.loads(args[4]) == {"as_of": "2026-06-30 23:59:59.999999"}
    assert "--vars" not in dbt_build_args()
    assert dbt_build_args(True, pinned)[3] == "--full-refresh"


def test_the_pipeline_takes_the_as_of_from_the_settings(tmp_path: Path) -> None:
    from crm.settings import get_settings
    from orchestration.resources import warehouse_resource

    pinned = get_settings({"CRM_DATA_DIR": str(tmp_path), "CRM_AS_OF": "2026-06-30T18:00:00"})
    assert warehouse_resource(pinned).as_of_moment == dt.datetime(2026, 6, 30, 18)
    unpinned = get_settings({"CRM_DATA_DIR": str(tmp_path)})
    assert warehouse_resource(unpinned).as_of_moment is None
