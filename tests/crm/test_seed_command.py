"""`crm seed` over a data dir an earlier seed and pipeline run already used: the reseeded
world must not mix with the old one, neither in the inboxes nor in the warehouse build."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from crm.cli import main
from crm.settings import get_settings
from ingestion.gis.inbox import ingest_inbox
from ingestion.ofd.inbox import ingest_receipts
from operational_app.seed import Scale
from operational_app.seed import runner as seed_runner

TINY = Scale(deals=150, partners=30, managers=4, operators=2)


def _load_inboxes(build: Path, data: Path, run_id: str) -> None:
    """What the pipeline's inbox steps do with the build database."""
    build.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(build))
    try:
        ingest_receipts(data / "inbox" / "ofd", con, data / "quarantine", run_id)
        ingest_inbox(data / "inbox" / "gis", con, data / "quarantine" / "gis", run_id)
    finally:
        con.close()


def _inbox_receipts(data: Path) -> set[tuple[str, int]]:
    keys = set()
    for path in (data / "inbox" / "ofd").glob("[!.]*.json"):
        for document in json.loads(path.read_text(encoding="utf-8")):
            receipt = document["document"]["receipt"]
            keys.add((receipt["fiscalDriveNumber"], receipt["fiscalDocumentNumber"]))
    return keys


def test_a_reseed_leaves_no_receipt_or_code_of_the_previous_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("CRM_DATA_DIR", str(data))
    monkeypatch.delenv("CRM_WAREHOUSE_DIR", raising=False)
    monkeypatch.delenv("CRM_OLTP_URL", raising=False)
    real_seed = seed_runner.seed_database
    # The command's `demo` scale, cut to a tiny one so the test stays quick.
    monkeypatch.setattr(
        "operational_app.seed.seed_database",
        lambda url, scale, **kwargs: real_seed(url, TINY, **kwargs),
    )
    settings = get_settings()
    build = settings.build_database_path

    assert main(["seed", "--seed", "1", "--as-of", "2026-01-15"]) == 0
    _load_inboxes(build, data, "run-1")
    first = _inbox_receipts(data)
    # Another seed and day over the same data dir, then the next pipeline run's inbox loads.
    assert main(["seed", "--replace", "--seed", "2", "--as-of", "2026-01-10"]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "Discarded the warehouse build" in said and "crm pipeline" in said
    _load_inboxes(build, data, "run-2")
    second = _inbox_receipts(data)
    assert first - second  # the reseed changed the receipts

    con = duckdb.connect(str(build), read_only=True)
    try:
        loaded = set(
            con.sql(
                "select fiscal_drive_number, fiscal_document_number from raw_ofd.receipts"
            ).fetchall()
        )
        [(latest,)] = con.sql("select max(receipt_at) from raw_ofd.receipts").fetchall()
        code_files = {
            row[0]
            for row in con.sql(
                "select distinct file_sha256 from raw_gis.gismt_marking_codes"
            ).fetchall()
        }
    finally:
        con.close()
    assert {(drive, int(number)) for drive, number in loaded} == second
    assert latest < dt.datetime(2026, 1, 10)  # nothing of the first seed's later days
    # The ГИС МТ codes (withdrawals, returns to circulation) come from the second seed's files.
    gismt_files = {
        hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (data / "inbox" / "gis" / "gismt").glob("[!.]*.json")
    }
    assert code_files and code_files <= gismt_files


def test_a_seed_waits_for_a_pipeline_holding_the_warehouse_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CRM_WAREHOUSE_DIR", raising=False)
    monkeypatch.delenv("CRM_OLTP_URL", raising=False)

    def must_not_seed(*_args: object, **_kwargs: object) -> dict[str, int]:
        raise AssertionError("seeded while the warehouse build was in use")

    monkeypatch.setattr("operational_app.seed.seed_database", must_not_seed)
    build = get_settings().build_database_path
    build.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " sys.stdin.read()",
            str(build),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert main(["seed", "--replace"]) == 1
    finally:
        holder.communicate("")
    assert "in use" in " ".join(capsys.readouterr().err.split())
    assert build.exists()  # nothing discarded
