"""The print-form renderer (operational_app.print_forms): Cyrillic text that reads back out of
the PDF, a long table that breaks onto new pages with its header repeated, totals and
signatures; the акт сверки's layout for several statements and for none."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from operational_app.portal.settlements import Entry, Party, Statement
from operational_app.print_forms import Cell, Column, Document, Signature
from operational_app.print_forms.document import FONT_DIR
from operational_app.print_forms.reconciliation import (
    closing_phrase,
    statement_pdf,
    statement_xlsx,
)


def _pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_a_long_table_repeats_its_header_on_every_page() -> None:
    doc = Document(title="Проба")
    doc.heading("Счёт на оплату № 17")
    doc.requisites([("Поставщик", ["ООО «Ёлка»", "ИНН 7700000000"]), ("Покупатель", ["ИП Щукин"])])
    rows = [[str(i), f"Товар «Щётка» № {i}", "1 000,00"] for i in range(1, 121)]
    doc.table(
        [Column("№", 10, "R"), Column("Наименование", 120), Column("Сумма", 30, "R")],
        rows,
        header_groups=[("Товары", 3)],
        totals=[[Cell("Итого", span=2), "120 000,00"]],
    )
    doc.signatures([Signature("Руководитель", name="Иванов И. И."), Signature("Бухгалтер")])
    content = doc.render()
    assert content.startswith(b"%PDF")
    pages = _pages(content)
    assert len(pages) >= 3
    table_pages = [page for page in pages if "Товар «Щётка»" in page]
    assert len(table_pages) >= 3
    for page in table_pages:
        assert "Наименование" in page and "Товары" in page
    text = " ".join(pages)
    assert "Счёт на оплату № 17" in text
    assert "ООО «Ёлка»" in text and "ИП Щукин" in text
    assert "Товар «Щётка» № 1 " in text and "Товар «Щётка» № 120" in text
    assert "Итого 120 000,00" in text
    assert "(Иванов И. И.)" in text and "М.П." in text
    # Every row once: nothing lost or doubled at the page breaks.
    numbers = [int(n) for n in re.findall(r"«Щётка» № (\d+)", text)]
    assert sorted(numbers) == list(range(1, 121))


def test_the_fonts_ship_with_their_licence() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert (FONT_DIR / name).stat().st_size > 100_000
    licence = (FONT_DIR / "LICENSE").read_text()
    assert "Bitstream" in licence and "Permission is hereby granted" in licence


def _statement(org: str, cp: str, opening: str, entries: list[Entry]) -> Statement:
    return Statement(
        organization=Party(1, org, "7701234567", "770101001"),
        counterparty=Party(2, cp, "7702345678", None),
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 3, 31),
        opening=Decimal(opening),
        entries=entries,
    )


def _entry(day: int, kind: str, amount: str) -> Entry:
    value = Decimal(amount)
    title = "Реализация товаров" if kind == "shipment" else "Оплата (Поступление безналичных ДС)"
    return Entry(
        dt.date(2026, 1, day),
        kind,
        f"N-{day}",
        f"{title} № N-{day} от {day:02d}.01.2026",
        value if kind == "shipment" else Decimal(0),
        Decimal(0) if kind == "shipment" else value,
    )


def test_closing_phrase_names_whom_the_balance_favours() -> None:
    ours = _statement("ООО «А»", "АО «Б»", "100.00", [_entry(5, "payment", "40.00")])
    assert closing_phrase(ours) == "на 31.03.2026 задолженность в пользу ООО «А» 60,00 руб."
    theirs = _statement("ООО «А»", "АО «Б»", "-10.00", [_entry(5, "payment", "1234.5")])
    assert closing_phrase(theirs) == (
        "на 31.03.2026 задолженность в пользу АО «Б» 1\u00a0244,50 руб."
    )
    even = _statement("ООО «А»", "АО «Б»", "40.00", [_entry(5, "payment", "40.00")])
    assert closing_phrase(even) == "на 31.03.2026 задолженность отсутствует."


def test_several_statements_go_on_their_own_pages_and_sheets() -> None:
    first = _statement("ООО «А»", "АО «Б»", "0", [_entry(3, "shipment", "500.00")])
    second = _statement("ООО «В»", "АО «Б»", "25.00", [_entry(4, "payment", "25.00")])
    pages = _pages(statement_pdf([first, second]))
    assert len(pages) == 2
    assert "По данным ООО «А»" in pages[0] and "ООО «В»" not in pages[0]
    assert "По данным ООО «В»" in pages[1]
    assert "задолженность отсутствует" in pages[1]
    workbook = load_workbook(io.BytesIO(statement_xlsx([first, second])))
    assert len(workbook.worksheets) == 2
    assert workbook.worksheets[1]["A2"].value == "между ООО «В» и АО «Б»"


def test_no_documents_still_gives_a_readable_file() -> None:
    assert "нет ни одного документа" in " ".join(_pages(statement_pdf([])))
    sheet = load_workbook(io.BytesIO(statement_xlsx([]))).active
    assert sheet["A2"].value.startswith("За период нет")
