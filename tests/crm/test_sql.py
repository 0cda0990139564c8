from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from crm.cli import main
from crm.sql import SqlError, iter_query, run_query


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse" / "crm.duckdb"
    path.parent.mkdir()
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.fct_deals as select 1 as deal_id, 'won' as status")
    con.close()
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(path.parent))
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "data"))
    return path


def test_query_formats(warehouse: Path) -> None:
    assert "won" in run_query(warehouse, "select * from marts.fct_deals")
    assert run_query(warehouse, "select * from marts.fct_deals", "csv") == "deal_id,status\n1,won\n"
    rows = json.loads(run_query(warehouse, "select * from marts.fct_deals", "json"))
    assert rows == [{"deal_id": 1, "status": "won"}]


def test_warehouse_is_read_only(warehouse: Path) -> None:
    with pytest.raises(SqlError, match="read-only"):
        run_query(warehouse, "delete from marts.fct_deals")
    assert run_query(warehouse, "select count(*) as n from marts.fct_deals", "csv") == "n\n1\n"


def test_cli_reports_errors_and_exit_codes(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "-c", "select status from marts.fct_deals", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "status\nwon\n"
    assert main(["sql", "-c", "select * from marts.no_such_table"]) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_cli_without_published_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_WAREHOUSE_DIR", str(tmp_path / "nothing"))
    assert main(["sql", "-c", "select 1"]) == 2
    assert "crm pipeline" in capsys.readouterr().err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ["seed", "pipeline", "app", "dashboards", "sql", "bench"]:
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0
        assert "usage: crm" in capsys.readouterr().out


# -- sealed by default (#16 item 12) -----------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "copy marts.fct_deals to '{out}/deals.csv'",
        "export database '{out}/export'",
        "select * from read_csv('/etc/passwd')",
        "attach '{out}/other.duckdb' as other",
        "set enable_external_access = true",
    ],
)
def test_files_are_out_of_reach_by_default(warehouse: Path, tmp_path: Path, statement: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SqlError) as refused:
        run_query(warehouse, statement.format(out=out))
    message = str(refused.value)
    assert "\n" not in message
    assert "--allow-files" in message or "locked" in message
    assert list(out.iterdir()) == []


def test_cli_refuses_file_access_in_one_line(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sql", "-c", "select * from read_csv('/etc/passwd')"]) == 1
    captured = capsys.readouterr()
    assert "root:" not in captured.out
    assert captured.err.count("\n") == 1 and "--allow-files" in captured.err
    assert "Traceback" not in captured.err


def test_allow_files_reads_files_but_the_warehouse_stays_read_only(
    warehouse: Path, tmp_path: Path
) -> None:
    source = tmp_path / "mine.csv"
    source.write_text("partner,amount\nАльфа,10\n", encoding="utf-8")
    statement = f"select partner, amount from read_csv('{source}')"
    assert run_query(warehouse, statement, "csv", allow_files=True) == "partner,amount\nАльфа,10\n"
    with pytest.raises(SqlError, match="read-only"):
        run_query(warehouse, "delete from marts.fct_deals", allow_files=True)


def test_memory_is_limited(warehouse: Path) -> None:
    assert run_query(
        warehouse, "select current_setting('memory_limit') as m", "csv", memory_limit="64MB"
    ).splitlines()[1] in {"64.0 MiB", "61.0 MiB", "64.0 MB"}
    # One 1 GB string cannot be built within 64 MB (and nothing spills to disk).
    with pytest.raises(SqlError, match="(?i)memory"):
        run_query(
            warehouse,
            "select length(string_agg(repeat('x', 100), '')) from range(10000000)",
            memory_limit="64MB",
        )


def test_results_stream_batch_by_batch(warehouse: Path) -> None:
    # A trillion rows: only a result produced as it is read can show its first rows, and under
    # 64 MB without spilling a result collected first would fail long before.
    pieces = iter_query(
        warehouse,
        "select range as n, repeat('x', 100) as pad from range(1000000000000)",
        "csv",
        memory_limit="64MB",
        batch_rows=1000,
    )
    lines: list[str] = []
    for piece in pieces:
        lines += piece.splitlines()
        if len(lines) > 5000:
            break
    pieces.close()
    assert lines[0] == "n,pad"
    assert lines[1:5001] == [f"{n},{'x' * 100}" for n in range(5000)]


def test_cli_output_piped_into_head_stops_cleanly(warehouse: Path) -> None:
    crm = Path(sys.executable).with_name("crm")
    process = subprocess.Popen(
        [str(crm), "sql", "-c", "select * from range(1000000000000)", "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = [process.stdout.readline() for _ in range(3)]
    process.stdout.close()  # what `| head -3` does
    _, errors = process.communicate(timeout=120)
    assert first == ["range\n", "0\n", "1\n"]
    assert process.returncode == 0, errors
    assert "Traceback" not in errors


TYPES_SQL = """
select
    interval '1 year 2 months 3 days' as iv,
    [1, 2, 3] as l,
    {'a': 1, 'b': 'x'} as s,
    map {'k': 1} as m,
    '\\xAA\\x00ab'::blob as b,
    '3b241101-e2bb-4255-8caf-4136c566a962'::uuid as u,
    170141183460469231731687303715884105727::hugeint as h,
    123.45::decimal(18, 2) as d,
    timestamptz '2024-01-01 12:00:00+03' as tz,
    null::integer as n
"""


def test_every_type_prints_as_json(warehouse: Path) -> None:
    rows = json.loads(run_query(warehouse, TYPES_SQL, "json"), parse_float=Decimal)
    assert len(rows) == 1
    row = rows[0]
    assert row["iv"] == "1 year 2 months 3 days"
    assert row["l"] == [1, 2, 3]
    assert row["s"] == {"a": 1, "b": "x"}
    assert row["m"] == {"k": 1}
    assert row["b"] == "\\xAA\\x00ab"
    assert uuid.UUID(row["u"]) == uuid.UUID("3b241101-e2bb-4255-8caf-4136c566a962")
    assert row["h"] == 2**127 - 1
    assert row["d"] == Decimal("123.45")
    assert dt.datetime.fromisoformat(row["tz"]) == dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    assert row["n"] is None


def test_every_type_prints_as_csv_and_table(warehouse: Path) -> None:
    header, *records = list(csv.reader(io.StringIO(run_query(warehouse, TYPES_SQL, "csv"))))
    assert header == ["iv", "l", "s", "m", "b", "u", "h", "d", "tz", "n"]
    (record,) = records
    values = dict(zip(header, record, strict=True))
    assert values["iv"] == "1 year 2 months 3 days"
    assert values["l"] == "[1, 2, 3]"
    assert values["m"] == "{k=1}"
    assert values["b"] == "\\xAA\\x00ab"
    assert int(values["h"]) == 2**127 - 1
    assert Decimal(values["d"]) == Decimal("123.45")
    assert dt.datetime.fromisoformat(values["tz"]) == dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    assert values["n"] == ""

    table = run_query(warehouse, TYPES_SQL, "table").splitlines()
    assert table[0].split(" | ")[0].strip() == "iv"
    cells = [cell.strip() for cell in table[2].split(" | ")]
    assert cells == [
        "1 year 2 months 3 days",
        "[1, 2, 3]",
        "{'a': 1, 'b': x}",
        "{k=1}",
        "\\xAA\\x00ab",
        "3b241101-e2bb-4255-8caf-4136c566a962",
        str(2**127 - 1),
        "123.45",
        values["tz"],
        "NULL",
    ]
    assert table[-1] == "(1 row)"


def test_duplicate_column_names_and_empty_results(warehouse: Path) -> None:
    assert run_query(warehouse, "select 1 as a, 2 as a", "csv") == "a,a\n1,2\n"
    assert json.loads(run_query(warehouse, "select 1 as a where false", "json")) == []
    assert run_query(warehouse, "select 1 as a where false", "table").splitlines()[-1] == (
        "(0 rows)"
    )
