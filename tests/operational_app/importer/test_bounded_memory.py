"""Issue 17's large files: the CSV is read line by line (not held as text) and the keys seen are
kept in bounded memory, while a repeated key is still reported against its first row."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from operational_app.importer import seen as seen_module
from operational_app.importer.reading import SourceError, SourceOptions, open_source
from operational_app.importer.seen import SeenKeys


def test_seen_keys_remember_the_first_row_across_merges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(seen_module, "MERGE_EVERY", 7)  # many merges in a small test
    keys = SeenKeys()
    for row in range(1, 101):
        keys[f"B{row:09d}"] = row
        keys[("deal", row % 10)] = row  # tuples too; only the first row of each is kept
    assert len(keys) == 110
    assert keys["B000000042"] == 42 and keys.get("B000000100") == 100
    assert keys[("deal", 3)] == 3 and keys[("deal", 0)] == 10
    assert "B000000101" not in keys and keys.get(("deal", 10)) is None
    keys["B000000042"] = 500  # a repeat does not move the first row
    assert keys["B000000042"] == 42
    with pytest.raises(KeyError):
        keys["missing"]


def _peak_while_filling(keys: dict[str, int] | SeenKeys, count: int) -> int:
    tracemalloc.start()
    try:
        for row in range(count):
            keys[f"B{row:09d}"] = row
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_seen_keys_stay_small() -> None:
    as_dict = _peak_while_filling({}, 100_000)
    as_digests = _peak_while_filling(SeenKeys(), 100_000)
    # 20 bytes a key in the arrays plus one batch of recent keys, against the strings, the
    # row numbers and the hash table of a dict.
    assert as_digests < as_dict / 2


def test_csv_is_read_line_by_line_not_held(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("number;name\r\n")
        for row in range(150_000):
            handle.write(f"N{row:07d};Сделка номер {row} с клиентом «Ромашка»\r\n")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        table = open_source(path, SourceOptions())
        assert table.count() == 150_000
        last = None
        for row in table.rows():
            last = row
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last is not None and last.values["number"] == "N0149999" and last.line == 150_001
    # Held whole, the text alone (half Cyrillic: 2 bytes a character) would exceed the size.
    assert size > 8 * 1024 * 1024 and peak < size / 3


def test_lone_cr_endings_quoted_newlines_and_a_bad_byte_late_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes('name;comment\r"Ромашка";"две\rстроки"\rЛютик;одна\r'.encode())
    rows = list(open_source(path, SourceOptions()).rows())
    assert [(row.values["name"], row.values["comment"], row.line) for row in rows] == [
        ("Ромашка", "две\rстроки", 2),
        ("Лютик", "одна", 4),
    ]
    damaged = tmp_path / "damaged.csv"
    body = "".join(f"Контрагент {n};ок\n" for n in range(60_000)).encode()
    damaged.write_bytes(b"name;comment\n" + body + b"\xff\xfe;bad\n")
    with pytest.raises(SourceError, match="line 60002"):
        open_source(damaged, SourceOptions())
