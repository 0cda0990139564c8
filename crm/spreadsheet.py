"""Cells that are safe to open in a spreadsheet: one rule for every export the project writes
(dashboards' CSV and XLSX downloads, `crm import --errors`).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula, so a partner named `=HYPERLINK(...)` would become a
live link in the file an executive opens (OWASP: CSV injection). Such text gets a leading
apostrophe, which spreadsheets show as plain text; numbers, dates and other values pass
unchanged, so numeric columns stay numeric.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """`value` as a spreadsheet shows it literally: text that would start a formula gets a
    leading apostrophe; anything that is not text is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
