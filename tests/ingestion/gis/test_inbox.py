"""ingest_inbox: exactly-once loading, quarantine, atomicity, and the samples round trip."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.gis import inbox
from ingestion.gis.events import MAX_FILE_BYTES
from ingestion.gis.inbox import ingest_inbox
from operational_app.seed.gis_files import SampleDocument, write_sample_inbox
from tests.ingestion.gis.sample_identities import sample_identities

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    _our_organization(connection)
    yield connection
    connection.close()


def _our_organization(connection: duckdb.DuckDBPyConnection) -> None:
    """The OLTP copy of `organizations` the loader reads our identities from: the FSRAR ID of
    the hand-written samples and the one write_sample_inbox derives for the same ИНН."""
    sample_fsrar = next(iter(sample_identities([_documents(1)[0]]).fsrar_ids))
    connection.execute("create schema raw_oltp")
    connection.execute(
        "create table raw_oltp.organizations (id integer, inn varchar, fsrar_id varchar, "
        "additional_fsrar_ids varchar, deleted_at timestamp)"
    )
    connection.execute(
        "insert into raw_oltp.organizations values "
        "(1, '7707083893', '030000194005', ?, null), "
        "(2, '5008012345', '039999999999', null, now())",
        [sample_fsrar],
    )


def _copy(src: str, inbox_dir: Path, system: str, name: str | None = None) -> Path:
    target = inbox_dir / system / (name or Path(src).name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLES / src, target)
    return target


def _count_batch_writes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per load transaction of the coming ingest_inbox calls."""
    writes: list[int] = []
    real_write = inbox._write_batch
    monkeypatch.setattr(
        inbox, "_write_batch", lambda con, batch: (writes.append(1), real_write(con, batch))
    )
    return writes


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.sql(f"select count(*) from raw_gis.{table}").fetchall()[0][0]


def test_file_loads_exactly_once_and_again_when_changed(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    box, quarantine = tmp_path / "inbox", tmp_path / "quarantine"
    target = _copy("gismt/doc_list.json", box, "gismt")
    first = ingest_inbox(box, con, quarantine, "run-1")
    assert (first.files_loaded, first.events_loaded) == (1, 5)
    second = ingest_inbox(box, con, quarantine, "run-2")
    assert (second.files_loaded, second.files_skipped, second.events_loaded) == (0, 1, 0)
    assert _count(con, "exchange_events") == 5
    # A copy of the same bytes under another name is the same file.
    _copy("gismt/doc_list.json", box, "gismt", "again.json")
    assert ingest_inbox(box, con, quarantine, "run-3").files_loaded == 0
    # Changed content is a new file: loaded again, old events kept.
    target.write_text(target.read_text(encoding="utf-8").replace("ЗК-000125", "ЗК-000126"))
    third = ingest_inbox(box, con, quarantine, "run-4")
    assert (third.files_loaded, third.events_loaded) == (1, 5)
    assert _count(con, "exchange_events") == 10
    rows = con.sql(
        "select run_id, event_count, source_file from raw_gis.loaded_files order by run_id"
    ).fetchall()
    assert rows == [("run-1", 5, "gismt/doc_list.json"), ("run-4", 5, "gismt/doc_list.json")]
    types = con.sql(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'raw_gis' and table_name = 'exchange_events' "
        "and column_name in ('event_at', 'source_line')"
    ).fetchall()
    assert sorted(types) == [("event_at", "TIMESTAMP"), ("source_line", "INTEGER")]


def test_hostile_files_are_quarantined_and_others_still_load(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    box, quarantine = tmp_path / "inbox", tmp_path / "quarantine"
    for name in ("billion_laughs.xml", "xxe_passwd.xml", "external_dtd.xml"):
        _copy(f"hostile/{name}", box, "egais")
    _copy("hostile/declared_utf8_but_cp1251.xml", box, "egais")
    _copy("hostile/unknown_document.xml", box, "egais")
    _copy("egais/Ticket_conclusion_rejected_cp1251.xml", box, "egais")
    _copy("hostile/soap_fault.xml", box, "vetis")
    _copy("vetis/receiveApplicationResult_completed.xml", box, "vetis")
    _copy("hostile/truncated.json", box, "gismt")
    _copy("hostile/unknown_status.json", box, "gismt")
    _copy("gismt/doc_list.json", box, "gismt")

    report = ingest_inbox(box, con, quarantine, "run-1")

    assert report.files_loaded == 3
    assert report.events_loaded == 1 + 2 + 5  # a COMPLETED application: its 2 vet documents
    assert report.failed == []
    reasons = dict(con.sql("select source_file, reason from raw_gis.quarantine").fetchall())
    assert reasons == dict(report.quarantined)
    assert "DOCTYPE is forbidden" in reasons["egais/billion_laughs.xml"]
    assert "DOCTYPE is forbidden" in reasons["egais/xxe_passwd.xml"]
    assert "DOCTYPE is forbidden" in reasons["egais/external_dtd.xml"]
    assert reasons["egais/declared_utf8_but_cp1251.xml"].startswith("xml/encoding")
    assert "unsupported document QueryAP" in reasons["egais/unknown_document.xml"]
    assert "SOAP Fault" in reasons["vetis/soap_fault.xml"]
    assert reasons["gismt/truncated.json"].startswith("json: truncated or invalid")
    assert "TELEPORTED" in reasons["gismt/unknown_status.json"]
    copies = sorted(p.relative_to(quarantine).as_posix() for p in quarantine.rglob("*.*"))
    assert len(copies) == 8
    assert all(c.split("/")[0] in ("egais", "vetis", "gismt") for c in copies)
    assert (quarantine / "gismt").is_dir() and (quarantine / "vetis").is_dir()
    # The password file was never read: no event and no reason carries its content.
    dump = con.sql("select * from raw_gis.exchange_events").fetchall()
    assert "root:" not in repr(dump) + repr(reasons)
    # Quarantined content is not retried ...
    again = ingest_inbox(box, con, quarantine, "run-2")
    assert (again.files_quarantined, again.files_loaded, again.files_skipped) == (0, 0, 11)
    # ... unless it changes.
    (box / "gismt" / "truncated.json").write_bytes(
        (SAMPLES / "gismt/doc_list.json").read_bytes()[:-2] + b"\n}"
    )
    fixed = ingest_inbox(box, con, quarantine, "run-3")
    assert fixed.files_loaded == 1 and fixed.events_loaded == 5


def test_xxe_never_reads_the_referenced_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CANARY")
    box = tmp_path / "inbox"
    (box / "vetis").mkdir(parents=True)
    (box / "vetis" / "xxe.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<ws:receiveApplicationResultResponse xmlns:ws="http://api.vetrf.ru/schema/cdm/'
        'application/ws-definitions">&x;</ws:receiveApplicationResultResponse>'
    )
    report = ingest_inbox(box, con, tmp_path / "q", "run-1")
    assert report.files_quarantined == 1
    everything = repr(con.sql("select * from raw_gis.quarantine").fetchall())
    assert "TOP-SECRET-CANARY" not in everything
    assert "DOCTYPE" in everything


def test_oversized_file_is_quarantined_without_parsing(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    box = tmp_path / "inbox"
    (box / "gismt").mkdir(parents=True)
    with (box / "gismt" / "huge.json").open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    report = ingest_inbox(box, con, tmp_path / "q", "run-1")
    assert report.files_quarantined == 1
    assert report.quarantined[0][1].startswith("size:")


EGAIS_SAMPLES = sorted(path.name for path in (SAMPLES / "egais").iterdir())


def test_a_crash_mid_batch_leaves_every_file_loaded_or_not(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "inbox"
    for name in EGAIS_SAMPLES:
        _copy(f"egais/{name}", box, "egais")
    monkeypatch.setattr(inbox, "BATCH_FILES", 2)
    real_write = inbox._write_batch
    writes = []

    def crash_in_second_batch(con: duckdb.DuckDBPyConnection, batch: inbox._Batch) -> None:
        writes.append(len(batch.loaded))
        if len(writes) == 2:
            # The index insert fails after the events and loaded_files inserts of this batch.
            monkeypatch.setattr(inbox, "INDEX_TABLE", "raw_gis.no_such_table")
        real_write(con, batch)

    monkeypatch.setattr(inbox, "_write_batch", crash_in_second_batch)
    with pytest.raises(duckdb.CatalogException):
        ingest_inbox(box, con, tmp_path / "q", "run-1")
    # The first batch (2 files) stays; nothing of the second is left behind.
    loaded = con.sql("select source_file, event_count from raw_gis.loaded_files").fetchall()
    assert len(loaded) == 2
    assert _count(con, "exchange_events") == sum(count for _, count in loaded)
    assert _count(con, "inbox_index") == 2
    monkeypatch.undo()

    report = ingest_inbox(box, con, tmp_path / "q", "run-2")
    assert (report.files_loaded, report.files_skipped) == (len(EGAIS_SAMPLES) - 2, 2)
    loaded = con.sql("select source_file, event_count from raw_gis.loaded_files").fetchall()
    assert sorted(source for source, _ in loaded) == [f"egais/{n}" for n in EGAIS_SAMPLES]
    assert _count(con, "exchange_events") == sum(count for _, count in loaded)


def test_files_load_in_batches_exactly_once(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "inbox"
    expected = write_sample_inbox(box, _documents(40), seed=5)
    monkeypatch.setattr(inbox, "BATCH_FILES", 7)
    writes = _count_batch_writes(monkeypatch)
    report = ingest_inbox(box, con, tmp_path / "q", "run-1")
    assert len(writes) > 3
    assert report.events_loaded == expected["events"] == _count(con, "exchange_events")
    assert _count(con, "loaded_files") == report.files_loaded
    assert report.files_quarantined == expected["malformed_files"]


def test_an_unchanged_file_is_not_read_again_but_a_rewritten_one_is(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "inbox"
    page = _copy("gismt/doc_list.json", box, "gismt")
    _copy("hostile/truncated.json", box, "gismt")
    first = ingest_inbox(box, con, tmp_path / "q", "run-1")
    assert (first.files_loaded, first.files_quarantined) == (1, 1)

    reads: list[Path] = []
    real_read = Path.read_bytes

    def counting_read(path: Path) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", counting_read)
    second = ingest_inbox(box, con, tmp_path / "q", "run-2")
    assert (second.files_skipped, reads) == (2, [])  # loaded and quarantined alike

    # The same bytes written again (a new modification time): read, recognised, not reloaded.
    page.write_bytes(real_read(page))
    third = ingest_inbox(box, con, tmp_path / "q", "run-3")
    assert (third.files_loaded, third.files_skipped, reads) == (0, 2, [page])
    # New content at the same path: read and loaded.
    page.write_text(page.read_text(encoding="utf-8").replace("ЗК-000125", "ЗК-000999"))
    fourth = ingest_inbox(box, con, tmp_path / "q", "run-4")
    assert (fourth.files_loaded, fourth.events_loaded) == (1, 5)
    assert _count(con, "exchange_events") == 10


def test_read_ahead_gives_every_file_in_order_reads_a_bounded_window_and_skips_oversized(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox, "READ_BATCH_FILES", 3)
    monkeypatch.setattr(inbox, "READ_BATCH_BYTES", 20)  # a batch also ends on its bytes
    monkeypatch.setattr(inbox, "READ_AHEAD_BATCHES", 2)
    monkeypatch.setattr(inbox, "MAX_FILE_BYTES", 12)
    contents = [f"file {index:02d}".encode() * (1 + index % 4 // 3) for index in range(20)]
    files = []
    for index, content in enumerate(contents):
        (tmp_path / f"{index:02d}.xml").write_bytes(content)
        files.append((f"{index:02d}.xml", len(content), 0))
    oversized = {name for name, size, _ in files if size > 12}
    assert oversized and len(oversized) < len(files)

    reads: list[str] = []
    real_read = Path.read_bytes
    monkeypatch.setattr(
        Path, "read_bytes", lambda path: (reads.append(path.name), real_read(path))[1]
    )
    stream = inbox._read_ahead(str(tmp_path), files)
    assert next(stream) == contents[0]
    # Two batches of at most three files were asked for; nothing further is read yet.
    assert len(reads) <= 6
    rest = list(stream)
    assert [contents[0], *rest] == [
        None if name in oversized else content
        for (name, _, _), content in zip(files, contents, strict=True)
    ]
    assert sorted(reads) == sorted(name for name, _, _ in files if name not in oversized)


def test_in_flight_hidden_and_symlinked_files_are_ignored(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    box = tmp_path / "inbox"
    _copy("gismt/doc_list.json", box, "gismt", "page.json.part")
    _copy("gismt/doc_list.json", box, "gismt", ".page.json")
    (box / "gismt" / "link.json").symlink_to(SAMPLES / "gismt/doc_list.json")
    (box / "unknown_system").mkdir()
    _copy("gismt/doc_list.json", box, "unknown_system")
    report = ingest_inbox(box, con, tmp_path / "q", "run-1")
    assert report.files_seen == 0


def _documents(n: int) -> list[SampleDocument]:
    start = dt.date(2024, 3, 1)
    return [
        SampleDocument(
            reference=f"ЗК-{i:06d}",
            organization_inn="7707083893",
            counterparty_inn="5008012345" if i % 3 else "500100732259",
            date=start + dt.timedelta(days=i % 14),
        )
        for i in range(1, n + 1)
    ]


def test_samples_are_deterministic_per_seed(tmp_path: Path) -> None:
    docs = _documents(40)
    a = write_sample_inbox(tmp_path / "a", docs, seed=3)
    b = write_sample_inbox(tmp_path / "b", docs, seed=3)
    c = write_sample_inbox(tmp_path / "c", docs, seed=4)
    files_a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.*")}
    files_b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.*")}
    assert a == b and files_a == files_b
    assert a != c


def test_samples_round_trip_through_the_inbox(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    docs = _documents(60)
    tallies = write_sample_inbox(tmp_path / "inbox", docs, seed=11)
    report = ingest_inbox(tmp_path / "inbox", con, tmp_path / "q", "run-1")

    assert report.failed == []
    assert report.files_quarantined == tallies["malformed_files"] >= 3
    assert report.files_loaded == sum(tallies[f"{s}_files"] for s in ("egais", "vetis", "gismt"))
    groups = dict(
        con.sql("select status_group, count(*) from raw_gis.exchange_events group by 1").fetchall()
    )
    expected = {g: tallies[f"events_{g}"] for g in ("accepted", "rejected", "processing", "error")}
    assert groups == {g: n for g, n in expected.items() if n}
    assert sum(groups.values()) == tallies["events"] == report.events_loaded
    # Mostly accepted, but every kind of outcome occurs.
    assert groups["accepted"] > groups["rejected"] > 0 and groups["error"] > 0
    assert {
        s for (s,) in con.sql("select distinct system from raw_gis.exchange_events").fetchall()
    } == {
        "egais",
        "vetis",
        "gismt",
    }
    # Every reference of our shipments (outbound) is one of ours.
    refs = {
        r
        for (r,) in con.sql(
            "select distinct reference from raw_gis.exchange_events "
            "where reference is not null and direction = 'outbound'"
        ).fetchall()
    }
    assert refs <= {d.reference for d in docs} and len(refs) > 30
    # windows-1251 ЕГАИС files decode to proper Cyrillic.
    messages = con.sql(
        "select error_message from raw_gis.exchange_events "
        "where system = 'egais' and error_message is not null"
    ).fetchall()
    assert messages and all("Ð" not in m and "\ufffd" not in m for (m,) in messages)
    assert any("Накладная" in m or "Документ" in m or "Бой" in m for (m,) in messages)
    # A waybill's ticket names it by its Identity: as document id when ЕГАИС refused it, next
    # to the WBRegId it assigned (the document id of the later act and tickets) when accepted.
    linked = dict(
        con.sql(
            "select t.status, count(*) from raw_gis.exchange_events w "
            "join raw_gis.exchange_events t on w.document_id in (t.document_id, "
            "t.related_document_id) and t.document_type = 'Ticket:WayBill_v4' "
            "where w.document_type = 'WayBill_v4' and t.event_at >= w.event_at group by 1"
        ).fetchall()
    )
    assert linked["Accepted"] > 0 and linked["Rejected"] > 0
    assert ingest_inbox(tmp_path / "inbox", con, tmp_path / "q", "run-2").files_loaded == 0


def test_files_loaded_before_the_index_are_indexed_in_batches_not_reloaded(
    tmp_path: Path, con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = tmp_path / "inbox"
    write_sample_inbox(box, _documents(20), seed=2)
    first = ingest_inbox(box, con, tmp_path / "q", "run-1")
    events = _count(con, "exchange_events")
    con.execute("delete from raw_gis.inbox_index")  # as in a build from before the index
    monkeypatch.setattr(inbox, "BATCH_FILES", 5)
    writes = _count_batch_writes(monkeypatch)
    second = ingest_inbox(box, con, tmp_path / "q", "run-2")
    assert (second.files_loaded, second.files_skipped) == (0, first.files_seen)
    assert _count(con, "exchange_events") == events
    assert len(writes) >= first.files_seen // 5
    assert _count(con, "inbox_index") == first.files_seen


def test_a_process_pool_loads_exactly_what_one_process_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large inboxes are read by a pool of processes in chunks; this process still decides, in
    file order, what loads, what is a content seen before (also within and across chunks) and
    what is quarantined."""
    box = tmp_path / "inbox"
    write_sample_inbox(box, _documents(40), seed=11)
    egais_files = sorted((box / "egais").iterdir())
    shutil.copyfile(egais_files[0], box / "egais" / "zz_copy_of_first.xml")  # another chunk
    shutil.copyfile(egais_files[1], egais_files[1].with_name(egais_files[1].name + "-copy.xml"))
    _copy("hostile/truncated.json", box, "gismt")
    tables = ("exchange_events", "loaded_files", "quarantine", "inbox_index")
    columns = {
        "exchange_events": "*",
        "loaded_files": "file_sha256, system, source_file, event_count",
        "quarantine": "file_sha256, system, source_file, reason",
        "inbox_index": "*",
    }

    def load(where: str, parallel: bool) -> tuple[inbox.IngestReport, dict[str, list[tuple]]]:
        monkeypatch.setattr(inbox, "PARALLEL_MIN_FILES", 1 if parallel else 10**9)
        monkeypatch.setattr(inbox, "CHUNK_FILES", 7)
        monkeypatch.setattr(inbox, "BATCH_FILES", 9)
        seen: list[tuple[int, int]] = []
        with duckdb.connect() as connection:
            report = ingest_inbox(
                box,
                connection,
                tmp_path / where,
                "run-1",
                progress=lambda *p: seen.append(p),
                identities=sample_identities(_documents(1)),
            )
            rows = {
                table: sorted(
                    connection.sql(f"select {columns[table]} from raw_gis.{table}").fetchall()
                )
                for table in tables
            }
        assert seen[-1] == (report.files_seen, report.files_seen)
        return report, rows

    pooled, pooled_rows = load("q-pool", parallel=True)
    single, single_rows = load("q-single", parallel=False)
    assert pooled_rows == single_rows
    assert pooled == single
    assert pooled.files_skipped == 2 and pooled.files_quarantined >= 1
    assert pooled.events_loaded == len(pooled_rows["exchange_events"]) > 0
    assert sum(pooled.events_by_status_group.values()) == pooled.events_loaded


@pytest.mark.parametrize("parallel", [False, True])
def test_the_scan_lists_regular_files_with_their_size_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """In chunks by a pool of processes or here, the scan reports each regular file once with
    its own size and time, and nothing else: not in-flight or hidden names, symlinks, folders,
    unknown systems, nor a file removed between the listing and its lstat."""
    monkeypatch.setattr(inbox, "PARALLEL_MIN_SCAN_FILES", 1 if parallel else 10**9)
    monkeypatch.setattr(inbox, "SCAN_CHUNK_FILES", 3)
    box = tmp_path / "inbox"
    expected = {}
    for number in range(8):
        system = inbox.SYSTEMS[number % 3]
        path = _copy("gismt/doc_list.json", box, system, f"file-{number}.xml")
        path.write_bytes(b"x" * (number + 1))
        expected[(system, path.name)] = (number + 1, path.stat().st_mtime_ns)
    _copy("gismt/doc_list.json", box, "gismt", "page.json.part")
    _copy("gismt/doc_list.json", box, "gismt", ".page.json")
    (box / "gismt" / "link.json").symlink_to(SAMPLES / "gismt/doc_list.json")
    (box / "vetis" / "folder.xml").mkdir()
    _copy("gismt/doc_list.json", box, "unknown_system")
    if not parallel:  # the stand-in below cannot be sent to a pool's worker
        vanishing = box / "egais" / "vanishing.xml"
        vanishing.write_bytes(b"gone")
        real_stat_files = inbox._stat_files

        def stat_files_after_removal(folder: str, names: list[str]) -> tuple[list[int], list[int]]:
            vanishing.unlink(missing_ok=True)
            return real_stat_files(folder, names)

        monkeypatch.setattr(inbox, "_stat_files", stat_files_after_removal)
    scan = inbox._scan(box).to_pylist()
    found = {(row["system"], row["name"]): (row["file_size"], row["modified_ns"]) for row in scan}
    assert found == expected
    assert len(scan) == len(expected)


def test_withdrawal_document_codes_load_once_per_file(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    box, quarantine = tmp_path / "inbox", tmp_path / "quarantine"
    _copy("gismt/doc_list.json", box, "gismt")
    _copy("gismt/doc_info_lk_receipt.json", box, "gismt")
    first = ingest_inbox(box, con, quarantine, "run-1")
    assert first.files_loaded == 2 and first.codes_loaded == 3
    assert _count(con, "gismt_marking_codes") == 3
    assert _count(con, "gismt_codes_loaded") == 2  # the plain list: read once, no codes
    # The same bytes under another name, or a second run: nothing read again.
    _copy("gismt/doc_info_lk_receipt.json", box, "gismt", "again.json")
    second = ingest_inbox(box, con, quarantine, "run-2")
    assert second.codes_loaded == 0 and _count(con, "gismt_marking_codes") == 3
    statuses = con.sql(
        "select status_group, count(*) from raw_gis.gismt_marking_codes group by 1 order by 1"
    ).fetchall()
    assert statuses == [("accepted", 2), ("rejected", 1)]
    # Returns to circulation (LP_RETURN) land in the same table, told apart by document_type.
    _copy("gismt/doc_info_lp_return.json", box, "gismt")
    third = ingest_inbox(box, con, quarantine, "run-3")
    assert third.codes_loaded == 3 and not third.quarantined
    kinds = con.sql(
        "select document_type, status_group, count(*) from raw_gis.gismt_marking_codes"
        " group by all order by all"
    ).fetchall()
    assert kinds == [
        ("LK_RECEIPT", "accepted", 2),
        ("LK_RECEIPT", "rejected", 1),
        ("LP_RETURN", "accepted", 2),
        ("LP_RETURN", "rejected", 1),
    ]
