"""The GIS asset (inbox -> raw_gis) and the inbox sensor: pure decisions and real evaluations."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from operational_app.seed.gis_files import SampleDocument, write_sample_inbox
from orchestration.assets.gis import (
    GIS_EVENTS_KEY,
    GIS_LOADED_FILES_KEY,
    GIS_QUARANTINE_KEY,
    MAX_LISTED_FILES,
    NO_UNPARSED_FILES_CHECK,
    files_table,
    raw_gis_tables,
)
from orchestration.resources import WarehouseResource
from orchestration.sensors import (
    SETTLE_SECONDS,
    FileStamp,
    decide,
    decode_cursor,
    encode_cursor,
    gis_inbox_sensor,
    last_inbox_load_started,
    new_stamps,
    run_key,
    scan_inbox,
    settled,
)
from tests.ingestion.gis.sample_identities import sample_identities

SAMPLES = Path(__file__).resolve().parents[1] / "ingestion" / "gis" / "samples"
DOCUMENTS = [
    SampleDocument(
        reference=f"СД-{number:06d}",
        organization_inn="7707083893",
        counterparty_inn="7830002293",
        date=dt.date(2026, 3, 2) + dt.timedelta(days=number % 3),
        systems=("egais", "vetis", "gismt"),
    )
    for number in range(1, 5)
]


def _warehouse(tmp_path: Path, inbox: Path | None) -> WarehouseResource:
    return WarehouseResource(
        oltp_url="sqlite://",
        build_database_path=str(tmp_path / "build" / "crm_build.duckdb"),
        published_database_path=str(tmp_path / "crm.duckdb"),
        parquet_dir=str(tmp_path / "parquet"),
        gis_inbox_dir=None if inbox is None else str(inbox),
        gis_quarantine_dir=None if inbox is None else str(tmp_path / "quarantine"),
    )


def _copy_our_organizations(warehouse: WarehouseResource) -> None:
    """What the OLTP copy leaves in the build database: our organizations, whose FSRAR IDs
    decide the direction of ЕГАИС documents (ingestion.gis.identities)."""
    Path(warehouse.build_database_path).parent.mkdir(parents=True, exist_ok=True)
    fsrar_ids = ",".join(sample_identities(DOCUMENTS).fsrar_ids)
    with duckdb.connect(warehouse.build_database_path) as con:
        con.execute("create schema raw_oltp")
        con.execute("create table raw_oltp.organizations (inn varchar, fsrar_id varchar)")
        con.execute("insert into raw_oltp.organizations values ('7707083893', ?)", [fsrar_ids])


def _materialize(warehouse: WarehouseResource) -> dg.ExecuteInProcessResult:
    result = dg.materialize([raw_gis_tables], resources={"warehouse": warehouse})
    assert result.success
    return result


def _metadata(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> dict[str, object]:
    (materialization,) = [
        m for m in result.asset_materializations_for_node("raw_gis_tables") if m.asset_key == key
    ]
    return {
        name: getattr(value, "value", value) for name, value in materialization.metadata.items()
    }


def _rows(warehouse: WarehouseResource, query: str) -> list[tuple]:
    con = duckdb.connect(warehouse.build_database_path, read_only=True)
    try:
        return con.sql(query).fetchall()
    finally:
        con.close()


def test_asset_loads_the_inbox_quarantines_hostile_files_and_loads_nothing_twice(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    tallies = write_sample_inbox(inbox, DOCUMENTS, seed=3)
    shutil.copyfile(SAMPLES / "hostile" / "xxe_passwd.xml", inbox / "egais" / "xxe_passwd.xml")
    warehouse = _warehouse(tmp_path, inbox)
    _copy_our_organizations(warehouse)

    first = _materialize(warehouse)
    events = _metadata(first, GIS_EVENTS_KEY)
    good_files = sum(tallies[f"{system}_files"] for system in ("egais", "vetis", "gismt"))
    assert events["files_loaded"] == good_files
    assert events["events_loaded"] == tallies["events"] == events["dagster/row_count"]
    for group in ("accepted", "rejected", "processing", "error"):
        assert events[f"events_{group}"] == tallies[f"events_{group}"]
    assert events["files_quarantined"] == tallies["malformed_files"] + 1
    assert "egais/xxe_passwd.xml" in str(events["quarantined"])
    assert (
        _metadata(first, GIS_QUARANTINE_KEY)["dagster/row_count"] == tallies["malformed_files"] + 1
    )
    assert _metadata(first, GIS_LOADED_FILES_KEY)["dagster/row_count"] == good_files
    (check,) = first.get_asset_check_evaluations()
    assert check.check_name == NO_UNPARSED_FILES_CHECK and check.passed
    assert (tmp_path / "quarantine" / "egais").is_dir()
    reasons = _rows(
        warehouse, "select reason from raw_gis.quarantine where source_file like '%xxe%'"
    )
    assert reasons and "xml" in reasons[0][0]

    second = _materialize(warehouse)
    again = _metadata(second, GIS_EVENTS_KEY)
    assert (again["files_loaded"], again["events_loaded"], again["files_quarantined"]) == (0, 0, 0)
    assert again["files_skipped"] == good_files + tallies["malformed_files"] + 1
    assert _rows(warehouse, "select count(*) from raw_gis.exchange_events") == [
        (tallies["events"],)
    ]


@pytest.mark.parametrize("configured", [True, False])
def test_empty_or_unconfigured_inbox_still_creates_the_raw_tables(
    tmp_path: Path, configured: bool
) -> None:
    warehouse = _warehouse(tmp_path, tmp_path / "missing" if configured else None)
    result = _materialize(warehouse)
    assert _metadata(result, GIS_EVENTS_KEY)["events_loaded"] == 0
    for table in ("exchange_events", "quarantine", "loaded_files"):
        assert _rows(warehouse, f"select count(*) from raw_gis.{table}") == [(0,)]


def test_files_table_lists_at_most_the_limit_and_escapes_pipes() -> None:
    assert files_table([]) == "none"
    rows = [(f"egais/f{i}.xml", "xml: bad | worse") for i in range(MAX_LISTED_FILES + 3)]
    table = files_table(rows)
    assert "bad \\| worse" in table
    assert table.count("egais/f") == MAX_LISTED_FILES
    assert table.endswith("| … | 3 more |")


# ---------------------------------------------------------------- sensor: pure decisions

NOW = 1_800_000_000.0


def _stamp(path: str, size: int = 10, age: float = 60.0) -> FileStamp:
    return FileStamp(path, size, int((NOW - age) * 1e9))


def test_new_stamps_are_those_not_seen_by_name_size_or_mtime() -> None:
    old = _stamp("egais/a.xml")
    grown = FileStamp("egais/a.xml", 11, old.mtime_ns)
    touched = FileStamp("egais/a.xml", 10, old.mtime_ns + 1)
    other = _stamp("gismt/b.json")
    seen = {old.token}
    assert new_stamps([old], seen) == []
    assert new_stamps([old, grown, touched, other], seen) == [grown, touched, other]
    assert len({old.token, grown.token, touched.token, other.token}) == 4


def test_files_still_being_written_wait_for_a_later_tick() -> None:
    fresh, ripe = _stamp("vetis/new.xml", age=1.0), _stamp("vetis/old.xml", age=SETTLE_SECONDS)
    assert settled([fresh, ripe], NOW, SETTLE_SECONDS) == [ripe]
    decision = decide([fresh, ripe], None, NOW, SETTLE_SECONDS)
    assert decision.new == [ripe]
    assert decode_cursor(decision.cursor) == {ripe.token}  # fresh is looked at again later


def test_decide_skips_an_unchanged_inbox_and_forgets_removed_files() -> None:
    a, b = _stamp("egais/a.xml"), _stamp("gismt/b.json")
    first = decide([a, b], None, NOW, SETTLE_SECONDS)
    assert first.new == [a, b]
    unchanged = decide([a, b], first.cursor, NOW, SETTLE_SECONDS)
    assert unchanged.new == [] and unchanged.cursor == first.cursor
    removed = decide([a], first.cursor, NOW, SETTLE_SECONDS)
    assert removed.new == [] and decode_cursor(removed.cursor) == {a.token}
    c = _stamp("vetis/c.xml")
    assert decide([a, c], removed.cursor, NOW, SETTLE_SECONDS).new == [c]


def test_first_tick_counts_files_older_than_the_last_inbox_load_as_seen() -> None:
    loaded, arrived = _stamp("egais/a.xml", age=600.0), _stamp("gismt/b.json", age=60.0)
    load_started = NOW - 300.0  # between the two files' modification times
    first = decide([loaded, arrived], None, NOW, SETTLE_SECONDS, loaded_before=load_started)
    assert first.new == [arrived]
    assert decode_cursor(first.cursor) == {loaded.token, arrived.token}
    nothing_new = decide([loaded], None, NOW, SETTLE_SECONDS, loaded_before=load_started)
    assert nothing_new.new == [] and decode_cursor(nothing_new.cursor) == {loaded.token}
    # Once a cursor is recorded it alone decides: a file it has not seen is new however old.
    cursor = encode_cursor([arrived])
    assert decide([loaded, arrived], cursor, NOW, SETTLE_SECONDS, load_started).new == [loaded]
    # No load on record: every settled file is new.
    assert decide([loaded, arrived], None, NOW, SETTLE_SECONDS, None).new == [loaded, arrived]


def test_run_key_depends_only_on_the_set_of_new_files() -> None:
    a, b = _stamp("egais/a.xml"), _stamp("gismt/b.json")
    assert run_key([a, b]) == run_key([b, a])
    assert run_key([a]) != run_key([a, b])
    assert run_key([a]).startswith("gis-inbox-")


@pytest.mark.parametrize("cursor", [None, "", "not json", '{"v": 99, "seen": ["x"]}', "[1, 2]"])
def test_unreadable_or_foreign_cursor_means_nothing_seen(cursor: str | None) -> None:
    assert decode_cursor(cursor) == frozenset()


def test_cursor_round_trip() -> None:
    stamps = [_stamp("egais/a.xml"), _stamp("gismt/b.json")]
    assert decode_cursor(encode_cursor(stamps)) == {stamp.token for stamp in stamps}


def test_scan_inbox_sees_only_files_the_loader_would_read(tmp_path: Path) -> None:
    for name in ("egais/a.xml", "egais/.hidden.xml", "egais/b.xml.part", "vetis/c.xml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "d.xml").write_text("x")
    (tmp_path / "gismt").mkdir()
    (tmp_path / "gismt" / "link.json").symlink_to(tmp_path / "vetis" / "c.xml")
    (tmp_path / "gismt" / "folder").mkdir()
    assert [stamp.path for stamp in scan_inbox(tmp_path)] == ["egais/a.xml", "vetis/c.xml"]
    assert scan_inbox(tmp_path / "missing") == []


# ---------------------------------------------------------------- sensor: evaluation


def _age(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def _evaluate(warehouse: WarehouseResource, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    """A tick on an instance that never loaded the inbox."""
    with dg.build_sensor_context(
        cursor=cursor, resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
    ) as context:
        return gis_inbox_sensor(context)


def test_sensor_requests_a_run_for_new_files_and_skips_when_nothing_changed(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "inbox"
    write_sample_inbox(inbox, DOCUMENTS[:1], seed=1)
    for path in inbox.rglob("*"):
        if path.is_file():
            _age(path, 120)
    warehouse = _warehouse(tmp_path, inbox)

    first = _evaluate(warehouse, None)
    assert isinstance(first, dg.SensorResult)
    (request,) = first.run_requests
    assert request.run_key and request.run_key.startswith("gis-inbox-")
    assert first.cursor

    unchanged = _evaluate(warehouse, first.cursor)
    assert isinstance(unchanged, dg.SkipReason)
    assert "No new files" in (unchanged.skip_message or "")

    arrived = inbox / "gismt" / "20260401_doc_list.json"
    shutil.copyfile(SAMPLES / "gismt" / "doc_list.json", arrived)
    assert isinstance(_evaluate(warehouse, first.cursor), dg.SkipReason)  # still settling
    _age(arrived, 120)
    second = _evaluate(warehouse, first.cursor)
    assert isinstance(second, dg.SensorResult)
    (new_request,) = second.run_requests
    assert new_request.run_key != request.run_key
    assert new_request.tags["crm/gis_new_files"] == "1"


def test_sensor_first_tick_after_a_pipeline_run_starts_nothing(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_sample_inbox(inbox, DOCUMENTS[:2], seed=2)
    for path in inbox.rglob("*"):
        if path.is_file():
            _age(path, 120)
    warehouse = _warehouse(tmp_path, inbox)
    instance = dg.DagsterInstance.ephemeral()
    assert last_inbox_load_started(instance) is None
    loaded = dg.materialize([raw_gis_tables], resources={"warehouse": warehouse}, instance=instance)
    assert loaded.success
    run_started = last_inbox_load_started(instance)
    assert run_started is not None

    def tick(cursor: str | None) -> dg.SensorResult | dg.SkipReason:
        with dg.build_sensor_context(
            cursor=cursor, resources={"warehouse": warehouse}, instance=instance
        ) as context:
            return gis_inbox_sensor(context)

    first = tick(None)
    assert isinstance(first, dg.SensorResult)
    assert not first.run_requests
    assert decode_cursor(first.cursor) == {stamp.token for stamp in scan_inbox(inbox)}
    second = tick(first.cursor)
    assert isinstance(second, dg.SkipReason)

    arrived = inbox / "gismt" / "20260401_doc_list.json"
    shutil.copyfile(SAMPLES / "gismt" / "doc_list.json", arrived)
    _age(arrived, 120)  # older than the load, but the cursor has not seen it
    third = tick(first.cursor)
    assert isinstance(third, dg.SensorResult)
    (request,) = third.run_requests
    assert request.tags["crm/gis_new_files"] == "1"


def test_sensor_without_an_inbox_skips(tmp_path: Path) -> None:
    assert isinstance(_evaluate(_warehouse(tmp_path, None), None), dg.SkipReason)


# ---------------------------------------------------------------- wiring in the definitions


@pytest.fixture(scope="module")
def definitions(tmp_path_factory: pytest.TempPathFactory) -> dg.Definitions:
    from crm.settings import get_settings
    from orchestration.definitions import build_definitions

    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRM_DBT_DUCKDB_PATH", str(data_dir / "build.duckdb"))
        return build_definitions(get_settings({"CRM_DATA_DIR": str(data_dir)}))


def test_gis_sources_feed_staging_and_the_full_job_ingests_the_inbox(
    definitions: dg.Definitions,
) -> None:
    from orchestration.schedules import FULL_PIPELINE_JOB_NAME

    graph = definitions.resolve_asset_graph()
    keys = {key.path[-1]: key for key in graph.get_all_asset_keys()}
    assert GIS_EVENTS_KEY in graph.get(keys["stg_gis__exchange_events"]).parent_keys
    assert GIS_QUARANTINE_KEY in graph.get(keys["stg_gis__quarantined_files"]).parent_keys
    assert graph.get(GIS_EVENTS_KEY).group_name == "raw"
    job = definitions.resolve_job_def(FULL_PIPELINE_JOB_NAME)
    assert GIS_EVENTS_KEY in job.asset_layer.selected_asset_keys


def test_sensor_targets_the_gis_asset_and_everything_downstream(
    definitions: dg.Definitions,
) -> None:
    from orchestration.publish import PUBLISHED_WAREHOUSE_KEY
    from orchestration.sensors import GIS_INBOX_SENSOR_NAME, MINIMUM_INTERVAL_SECONDS

    sensor = definitions.resolve_sensor_def(GIS_INBOX_SENSOR_NAME)
    assert sensor.minimum_interval_seconds == MINIMUM_INTERVAL_SECONDS >= 60
    graph = definitions.resolve_asset_graph()
    selected = sensor.asset_selection.resolve(graph)
    names = {key.path[-1] for key in selected}
    assert {GIS_EVENTS_KEY, GIS_QUARANTINE_KEY, PUBLISHED_WAREHOUSE_KEY} <= selected
    assert {"stg_gis__exchange_events", "int_gis_events_linked_to_partners"} <= names
    assert "stg_opapp__deals" not in names  # OLTP-only models are not rebuilt for GIS files
