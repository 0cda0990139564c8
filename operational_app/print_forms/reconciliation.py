"""Акт сверки взаимных расчётов as PDF and XLSX, in the layout 1C prints it: the title with the
period, the parties, two halves «По данным <наша организация>» (filled) and «По данным
<контрагент>» (left blank for the customer), Сальдо начальное, the period's documents, Обороты за
период, Сальдо конечное, the closing phrase and both parties' signature places. Several
statements (one per organisation and counterparty) go on separate pages / sheets of one file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from crm.spreadsheet import escape_formula
from operational_app.portal.settlements import Party, Statement
from operational_app.print_forms.document import Cell, Column, Document, Signature
from operational_app.web.formatting import format_money

MONEY_FORMAT = "#,##0.00"


def _day(value) -> str:
    return f"{value:%d.%m.%Y}"


def _rub(value: Decimal) -> str:
    return format_money(value, "ru")


def _amount(value: Decimal) -> str:
    return _rub(value) if value else ""


def title(statement: Statement) -> str:
    return (
        "Акт сверки взаимных расчётов за период с "
        f"{_day(statement.date_from)} по {_day(statement.date_to)}"
    )


def between(statement: Statement) -> str:
    return f"между {statement.organization.name} и {statement.counterparty.name}"


def introduction(statement: Statement) -> str:
    return (
        f"Мы, нижеподписавшиеся, {statement.organization.name}, с одной стороны, и "
        f"{statement.counterparty.name}, с другой стороны, составили настоящий акт сверки в том, "
        "что состояние взаимных расчётов по данным учёта следующее:"
    )


def closing_phrase(statement: Statement) -> str:
    """«на 31.03.2026 задолженность в пользу ООО «Ромашка» 1 234,56 руб.»"""
    day = _day(statement.date_to)
    creditor = statement.creditor
    if creditor is None:
        return f"на {day} задолженность отсутствует."
    return f"на {day} задолженность в пользу {creditor.name} {_rub(abs(statement.closing))} руб."


def _split(balance: Decimal) -> tuple[Decimal, Decimal]:
    """A balance as (debit, credit): the customer's debt on the debit side."""
    return (balance, Decimal(0)) if balance >= 0 else (Decimal(0), -balance)


def _side(party: Party) -> str:
    return f"По данным {party.name}"


def _party_lines(party: Party) -> list[str]:
    return [party.name, party.requisites]


# PDF

_COLUMNS = [
    Column("Дата", 17, "C"),
    Column("Документ", 44, "L"),
    Column("Дебет", 17.5, "R"),
    Column("Кредит", 17.5, "R"),
]


def _pdf_statement(doc: Document, statement: Statement) -> None:
    doc.heading(title(statement))
    doc.paragraph(between(statement), align="C")
    doc.space(3)
    doc.requisites(
        [
            ("Организация", _party_lines(statement.organization)),
            ("Контрагент", _party_lines(statement.counterparty)),
        ]
    )
    doc.space(2)
    doc.paragraph(introduction(statement))
    doc.space(2)
    blank = ["", "", "", ""]
    opening_debit, opening_credit = _split(statement.opening)
    closing_debit, closing_credit = _split(statement.closing)
    rows: list[list[str | Cell]] = [
        [
            Cell("Сальдо начальное", span=2, bold=True),
            Cell(_amount(opening_debit), bold=True),
            Cell(_amount(opening_credit), bold=True),
            Cell("Сальдо начальное", span=2, bold=True),
            "",
            "",
        ]
    ]
    for entry in statement.entries:
        rows.append([_day(entry.day), entry.title, _amount(entry.debit), _amount(entry.credit)])
        rows[-1].extend(blank)
    totals: list[list[str | Cell]] = [
        [
            Cell("Обороты за период", span=2),
            _rub(statement.debit_turnover),
            _rub(statement.credit_turnover),
            Cell("Обороты за период", span=2),
            "",
            "",
        ],
        [
            Cell("Сальдо конечное", span=2),
            _amount(closing_debit),
            _amount(closing_credit),
            Cell("Сальдо конечное", span=2),
            "",
            "",
        ],
    ]
    doc.table(
        _COLUMNS + _COLUMNS,
        rows,
        header_groups=[(_side(statement.organization), 4), (_side(statement.counterparty), 4)],
        totals=totals,
        font_size=7,
    )
    doc.space(3)
    doc.paragraph(f"По данным {statement.organization.name}:", bold=True)
    doc.paragraph(closing_phrase(statement))
    doc.space(2)
    doc.paragraph(f"По данным {statement.counterparty.name}:", bold=True)
    doc.paragraph(f"на {_day(statement.date_to)} задолженность ____________________________")
    doc.signatures(
        [
            Signature(f"От {statement.organization.name}", "Руководитель"),
            Signature(f"От {statement.counterparty.name}", "Руководитель"),
        ]
    )


def statement_pdf(statements: Sequence[Statement]) -> bytes:
    doc = Document(title=title(statements[0]) if statements else "Акт сверки", font_size=8)
    if not statements:
        doc.heading("Акт сверки взаимных расчётов")
        doc.paragraph("За период нет ни одного документа расчётов.")
    for index, statement in enumerate(statements):
        if index:
            doc.new_page()
        _pdf_statement(doc, statement)
    return doc.render()


# XLSX

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_WIDTHS = [12, 46, 14, 14]


def _text(value: str) -> object:
    return escape_formula(value)


def _xlsx_statement(sheet, statement: Statement) -> None:
    for index, width in enumerate(_WIDTHS + _WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_text(title(statement))])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    sheet["A1"].font = Font(bold=True, size=12)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([_text(between(statement))])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
    sheet["A2"].alignment = Alignment(horizontal="center")
    for caption, party in (
        ("Организация", statement.organization),
        ("Контрагент", statement.counterparty),
    ):
        sheet.append([caption, _text(party.name), _text(party.requisites)])
    sheet.append([_text(introduction(statement))])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=8)
    sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[sheet.max_row].height = 30
    header_row = sheet.max_row + 1
    sheet.append([_text(_side(statement.organization)), "", "", ""] + [
        _text(_side(statement.counterparty)), "", "", ""
    ])  # fmt: skip
    sheet.merge_cells(start_row=header_row, start_column=1, end_row=header_row, end_column=4)
    sheet.merge_cells(start_row=header_row, start_column=5, end_row=header_row, end_column=8)
    sheet.append([column.title for column in _COLUMNS] * 2)
    for row in (header_row, header_row + 1):
        for column in range(1, 9):
            cell = sheet.cell(row, column)
            cell.font = _BOLD
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
    first_body = sheet.max_row + 1

    def amount(value: Decimal) -> Decimal | None:
        return value if value else None

    opening_debit, opening_credit = _split(statement.opening)
    closing_debit, closing_credit = _split(statement.closing)
    sheet.append(
        ["Сальдо начальное", None, amount(opening_debit), amount(opening_credit)]
        + ["Сальдо начальное", None, None, None]
    )
    bold_rows = [sheet.max_row]
    for entry in statement.entries:
        sheet.append([entry.day, _text(entry.title), amount(entry.debit), amount(entry.credit)])
        sheet.cell(sheet.max_row, 1).number_format = "DD.MM.YYYY"
    sheet.append(
        ["Обороты за период", None, statement.debit_turnover, statement.credit_turnover]
        + ["Обороты за период", None, None, None]
    )
    bold_rows.append(sheet.max_row)
    sheet.append(
        ["Сальдо конечное", None, amount(closing_debit), amount(closing_credit)]
        + ["Сальдо конечное", None, None, None]
    )
    bold_rows.append(sheet.max_row)
    for row in range(first_body, sheet.max_row + 1):
        for column in range(1, 9):
            cell = sheet.cell(row, column)
            cell.border = _BORDER
            if column in (3, 4, 7, 8):
                cell.number_format = MONEY_FORMAT
            if row in bold_rows:
                cell.font = _BOLD
    sheet.append([])
    sheet.append([_text(f"По данным {statement.organization.name}:")])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    sheet.append([_text(closing_phrase(statement))])
    sheet.append([_text(f"По данным {statement.counterparty.name}:")])
    sheet.cell(sheet.max_row, 1).font = _BOLD
    sheet.append([f"на {_day(statement.date_to)} задолженность ____________________"])
    sheet.append([])
    sheet.append(
        [_text(f"От {statement.organization.name}"), None, None, None]
        + [_text(f"От {statement.counterparty.name}")]
    )
    sheet.append(["Руководитель", "________________ (                 )", None, None]
                 + ["Руководитель", "________________ (                 )"])  # fmt: skip
    sheet.append(["М.П.", None, None, None, "М.П."])


def statement_xlsx(statements: Sequence[Statement]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if not statements:
        sheet.title = "Акт сверки"
        sheet.append(["Акт сверки взаимных расчётов"])
        sheet.append(["За период нет ни одного документа расчётов."])
    for index, statement in enumerate(statements):
        if index:
            sheet = workbook.create_sheet()
        sheet.title = f"Акт сверки {index + 1}" if len(statements) > 1 else "Акт сверки"
        _xlsx_statement(sheet, statement)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
