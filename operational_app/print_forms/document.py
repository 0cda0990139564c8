"""`Document`: a PDF print form on fpdf2 with an embedded Cyrillic font.

    doc = Document(title="Акт сверки")
    doc.heading("Акт сверки взаимных расчётов")
    doc.requisites([("Организация", ["ООО «Ромашка»", "ИНН 7700000000"]), ...])
    doc.table(
        [Column("Дата", 20), Column("Документ", 60), Column("Сумма", 25, "R")],
        rows,
        header_groups=[("По данным ООО «Ромашка»", 3)],
    )
    doc.signatures([Signature("От ООО «Ромашка»"), Signature("От АО «Клиент»")])
    pdf_bytes = doc.render()

Widths are millimetres; columns wider than the page are scaled down to fit it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FAMILY = "DejaVu"
_ALIGNS = {"L": "LEFT", "R": "RIGHT", "C": "CENTER"}


@dataclass(frozen=True)
class Column:
    """A table column: its heading, width in mm and alignment (L, R or C)."""

    title: str
    width: float
    align: str = "L"


@dataclass(frozen=True)
class Cell:
    """A table cell that spans columns, is bold (totals, balances) or aligns its own way."""

    text: str
    span: int = 1
    bold: bool = False
    align: str | None = None


@dataclass(frozen=True)
class Signature:
    """A signature place: whose (От ...), the signer's position, and a line for the name."""

    party: str
    position: str = ""
    name: str = ""


class Document:
    """One print form; add blocks top to bottom, then `render()`."""

    def __init__(
        self,
        *,
        title: str = "",
        landscape: bool = False,
        font_size: float = 9,
        margin: float = 12,
    ) -> None:
        self.font_size = font_size
        self.pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.pdf.set_margins(margin, margin, margin)
        self.pdf.set_auto_page_break(auto=True, margin=margin)
        self.pdf.add_font(FONT_FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.pdf.add_font(FONT_FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        if title:
            self.pdf.set_title(title)
        self.pdf.set_creator("crm-warehouse")
        self.pdf.add_page()
        self._font()

    # Layout helpers

    @property
    def width(self) -> float:
        """The printable width in mm."""
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def _font(self, *, bold: bool = False, size: float | None = None) -> None:
        self.pdf.set_font(FONT_FAMILY, "B" if bold else "", size or self.font_size)

    def _line_height(self, size: float | None = None) -> float:
        return (size or self.font_size) * 0.5

    def new_page(self) -> None:
        """Start the next part (another statement in the same file) on a fresh page."""
        self.pdf.add_page()

    def space(self, mm: float = 3) -> None:
        self.pdf.ln(mm)

    # Blocks

    def heading(self, text: str, *, size: float = 12, align: str = "C") -> None:
        self._font(bold=True, size=size)
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.multi_cell(
            self.width, self._line_height(size), text, align=_ALIGNS.get(align, "CENTER")
        )
        self._font()

    def paragraph(
        self, text: str, *, bold: bool = False, size: float | None = None, align: str = "L"
    ) -> None:
        self._font(bold=bold, size=size)
        # From the left margin: a multi_cell leaves the cursor at its right edge.
        self.pdf.set_x(self.pdf.l_margin)
        self.pdf.multi_cell(
            self.width, self._line_height(size), text, align=_ALIGNS.get(align, "LEFT")
        )
        self._font()

    def requisites(self, blocks: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Parties' requisites side by side: (caption, lines) per party."""
        if not blocks:
            return
        column = self.width / len(blocks)
        line = self._line_height()
        top = self.pdf.get_y()
        bottom = top
        for index, (caption, lines) in enumerate(blocks):
            self.pdf.set_xy(self.pdf.l_margin + index * column, top)
            self._font(bold=True)
            self.pdf.multi_cell(column - 2, line, caption, align="LEFT")
            self._font()
            for text in lines:
                if text:
                    self.pdf.set_x(self.pdf.l_margin + index * column)
                    self.pdf.multi_cell(column - 2, line, text, align="LEFT")
            bottom = max(bottom, self.pdf.get_y())
        self.pdf.set_xy(self.pdf.l_margin, bottom)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str | Cell]],
        *,
        header_groups: Sequence[tuple[str, int]] = (),
        totals: Sequence[Sequence[str | Cell]] = (),
        font_size: float | None = None,
    ) -> None:
        """A bordered table; its header (the groups row, then the column titles) repeats at the
        top of every page the rows run onto. `totals` are rows set in bold after the others."""
        scale = min(1.0, self.width / sum(column.width for column in columns))
        widths = [column.width * scale for column in columns]
        heading_rows = 2 if header_groups else 1
        self._font(size=font_size)
        with self.pdf.table(
            col_widths=widths,
            width=sum(widths),
            align="LEFT",
            text_align=[_ALIGNS.get(column.align, "LEFT") for column in columns],
            num_heading_rows=heading_rows,
            repeat_headings=1,
            line_height=self._line_height(font_size),
            padding=(0.8, 1),
            headings_style=FontFace(emphasis="BOLD"),
        ) as table:
            if header_groups:
                header = table.row()
                for title, span in header_groups:
                    header.cell(title, colspan=span, align="CENTER")
            titles = table.row()
            for column in columns:
                titles.cell(column.title, align="CENTER")
            for values in rows:
                self._row(table, columns, values, bold=False)
            for values in totals:
                self._row(table, columns, values, bold=True)
        self._font()

    def _row(self, table, columns: Sequence[Column], values, *, bold: bool) -> None:
        row = table.row()
        position = 0
        for value in values:
            cell = value if isinstance(value, Cell) else Cell(str(value))
            align = cell.align or columns[min(position, len(columns) - 1)].align
            row.cell(
                cell.text,
                colspan=cell.span,
                align=_ALIGNS.get(align, "LEFT"),
                style=FontFace(emphasis="BOLD") if (bold or cell.bold) else None,
            )
            position += cell.span

    def signatures(self, signatures: Sequence[Signature]) -> None:
        """Signature places side by side: party, position, a line for the signature and the
        name, and М.П."""
        if not signatures:
            return
        line = self._line_height()
        if self.pdf.get_y() + line * 8 > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.space(4)
        column = self.width / len(signatures)
        top = self.pdf.get_y()
        bottom = top
        for index, signature in enumerate(signatures):
            left = self.pdf.l_margin + index * column
            self.pdf.set_xy(left, top)
            self._font(bold=True)
            self.pdf.multi_cell(column - 4, line, signature.party, align="LEFT")
            self._font()
            if signature.position:
                self.pdf.set_x(left)
                self.pdf.multi_cell(column - 4, line, signature.position, align="LEFT")
            self.pdf.set_x(left)
            self.pdf.ln(line)
            self.pdf.set_x(left)
            name = f"({signature.name})" if signature.name else "(                         )"
            self.pdf.multi_cell(column - 4, line, "________________ " + name)
            self.pdf.set_x(left)
            self.pdf.ln(line / 2)
            self.pdf.set_x(left)
            self.pdf.multi_cell(column - 4, line, "М.П.")
            bottom = max(bottom, self.pdf.get_y())
        self.pdf.set_xy(self.pdf.l_margin, bottom)

    def bank_requisites(
        self,
        *,
        bank_name: str,
        bic: str,
        correspondent_account: str,
        inn: str,
        kpp: str,
        payee: str,
        settlement_account: str,
    ) -> None:
        """The payee's bank block at the top of a Счет на оплату, as Russian invoices print it:
        the bank with БИК and its correspondent account, then ИНН/КПП and the payee with the
        settlement account (Сч. №)."""
        pdf = self.pdf
        left = pdf.l_margin
        top = pdf.get_y()
        wide, label = self.width * 0.56, self.width * 0.1
        value = self.width - wide - label
        line = self._line_height()
        small = self.font_size - 2
        half = line * 3
        # The bank: name on top, «Банк получателя» under it; БИК and Сч. № to the right.
        pdf.rect(left, top, wide, half * 2 / 1.5)
        pdf.set_xy(left + 1, top + 0.8)
        pdf.multi_cell(wide - 2, line, bank_name, align="LEFT")
        self._font(size=small)
        pdf.set_xy(left + 1, top + half * 2 / 1.5 - line)
        pdf.cell(wide - 2, line, "Банк получателя")
        self._font()
        bank_height = half * 2 / 1.5
        for index, (caption, text) in enumerate((("БИК", bic), ("Сч. №", correspondent_account))):
            y = top + index * bank_height / 2
            pdf.rect(left + wide, y, label, bank_height / 2)
            pdf.rect(left + wide + label, y, value, bank_height / 2)
            pdf.set_xy(left + wide + 1, y + 0.8)
            pdf.cell(label - 2, line, caption)
            pdf.set_xy(left + wide + label + 1, y + 0.8)
            pdf.cell(value - 2, line, text)
        # The payee: ИНН | КПП, then its name and «Получатель»; Сч. № spans the block.
        y = top + bank_height
        payee_height = line * 5
        pdf.rect(left, y, wide / 2, line + 1.6)
        pdf.rect(left + wide / 2, y, wide / 2, line + 1.6)
        pdf.set_xy(left + 1, y + 0.8)
        pdf.cell(wide / 2 - 2, line, f"ИНН {inn}")
        pdf.set_xy(left + wide / 2 + 1, y + 0.8)
        pdf.cell(wide / 2 - 2, line, f"КПП {kpp}" if kpp else "КПП")
        pdf.rect(left, y + line + 1.6, wide, payee_height - line - 1.6)
        pdf.set_xy(left + 1, y + line + 2.4)
        pdf.multi_cell(wide - 2, line, payee, align="LEFT")
        self._font(size=small)
        pdf.set_xy(left + 1, y + payee_height - line)
        pdf.cell(wide - 2, line, "Получатель")
        self._font()
        pdf.rect(left + wide, y, label, payee_height)
        pdf.rect(left + wide + label, y, value, payee_height)
        pdf.set_xy(left + wide + 1, y + 0.8)
        pdf.cell(label - 2, line, "Сч. №")
        pdf.set_xy(left + wide + label + 1, y + 0.8)
        pdf.cell(value - 2, line, settlement_account)
        pdf.set_xy(left, y + payee_height + 2)

    def rule(self, *, thick: bool = True) -> None:
        """A horizontal line across the page, as under an invoice's title."""
        y = self.pdf.get_y() + 1
        self.pdf.set_line_width(0.6 if thick else 0.2)
        self.pdf.line(self.pdf.l_margin, y, self.pdf.l_margin + self.width, y)
        self.pdf.set_line_width(0.2)
        self.pdf.set_y(y + 2)

    def labelled(self, rows: Sequence[tuple[str, str]], *, label_width: float = 32) -> None:
        """Label: value rows (Поставщик:, Покупатель:, Основание:) with the value wrapping."""
        line = self._line_height()
        for label, text in rows:
            top = self.pdf.get_y()
            self.pdf.set_x(self.pdf.l_margin)
            self.pdf.multi_cell(label_width, line, label, align="LEFT")
            self.pdf.set_xy(self.pdf.l_margin + label_width, top)
            self._font(bold=True)
            self.pdf.multi_cell(self.width - label_width, line, text, align="LEFT")
            self._font()
            self.space(1.5)

    def right_totals(self, rows: Sequence[tuple[str, str]]) -> None:
        """Итого / В том числе НДС / Всего к оплате: captions and figures set to the right."""
        line = self._line_height()
        self._font(bold=True)
        for caption, figure in rows:
            self.pdf.set_x(self.pdf.l_margin)
            self.pdf.cell(self.width - 35, line + 0.5, caption, align="R")
            self.pdf.cell(35, line + 0.5, figure, align="R", new_x="LMARGIN", new_y="NEXT")
        self._font()

    def image(self, png: bytes, *, width: float, caption: str = "", x: float | None = None):
        """A PNG (a payment QR code) `width` mm wide, with a caption under it."""
        left = self.pdf.l_margin if x is None else x
        if self.pdf.get_y() + width + 8 > self.pdf.page_break_trigger:
            self.pdf.add_page()
        top = self.pdf.get_y()
        self.pdf.image(io.BytesIO(png), x=left, y=top, w=width, h=width)
        self.pdf.set_xy(left, top + width + 0.5)
        if caption:
            self._font(size=self.font_size - 1.5)
            self.pdf.multi_cell(max(width, 40), self._line_height(), caption, align="LEFT")
            self._font()

    def signature_lines(self, signers: Sequence[tuple[str, str]], *, stamp: bool = True) -> None:
        """Signature places in a row: «Руководитель ________ (name)», «Бухгалтер ...», М.П."""
        if not signers:
            return
        line = self._line_height()
        if self.pdf.get_y() + line * 6 > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.space(5)
        column = self.width / len(signers)
        top = self.pdf.get_y()
        for index, (role, name) in enumerate(signers):
            left = self.pdf.l_margin + index * column
            self.pdf.set_xy(left, top)
            self._font(bold=True)
            self.pdf.cell(27, line, role)
            self._font()
            self.pdf.cell(column - 29, line, f"  ____________ / {name or '            '} /")
        self.pdf.set_xy(self.pdf.l_margin, top + line * 2.5)
        if stamp:
            self.pdf.cell(self.width, line, "М.П.")
            self.pdf.ln(line)

    def render(self) -> bytes:
        return bytes(self.pdf.output())
