"""The payment QR code of ГОСТ Р 56042-2014 («Двумерные символы штрихового кода для
осуществления платежей физических лиц»), the one Russian banking apps scan to fill a transfer.

The payload is a service block, then `Key=Value` requisites joined by the separator `|`:

    ST00012|Name=...|PersonalAcc=...|BankName=...|BIC=...|CorrespAcc=...|PayeeINN=...|KPP=...|
    Purpose=...|Sum=<kopecks>

`ST` is the format identifier, `0001` the standard's version, `2` the encoding (1 = windows-1251,
2 = UTF-8, 3 = KOI8-R). Name, PersonalAcc, BankName, BIC and CorrespAcc are mandatory and come
first in that order (CorrespAcc is `0` when the bank has none); PayeeINN, KPP, Purpose and Sum
(an integer number of kopecks) are additional requisites. A value cannot contain the separator.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

import segno

HEADER = "ST00012"
SEPARATOR = "|"
# Maximum lengths of the standard's requisites.
_MAX_LENGTH = {
    "Name": 160,
    "PersonalAcc": 20,
    "BankName": 45,
    "BIC": 9,
    "CorrespAcc": 20,
    "PayeeINN": 12,
    "KPP": 9,
    "Purpose": 210,
    "Sum": 18,
}


@dataclass(frozen=True)
class PaymentRequisites:
    """Who gets the money and for what: the payee's bank details, the sum and the purpose."""

    name: str
    personal_account: str
    bank_name: str
    bic: str
    correspondent_account: str | None
    payee_inn: str
    kpp: str | None
    purpose: str
    amount: Decimal


def _clean(value: str) -> str:
    # The separator would split the field; line breaks have no place in a requisite either.
    return " ".join(value.replace(SEPARATOR, "/").split())


def payload(requisites: PaymentRequisites) -> str:
    """The text the QR code encodes. Raises ValueError for requisites the standard refuses."""
    if not (requisites.personal_account.isdigit() and len(requisites.personal_account) == 20):
        raise ValueError("PersonalAcc must be 20 digits")
    if not (requisites.bic.isdigit() and len(requisites.bic) == 9):
        raise ValueError("BIC must be 9 digits")
    kopecks = int((Decimal(requisites.amount) * 100).to_integral_value())
    if kopecks <= 0:
        raise ValueError("Sum must be above 0")
    fields = [
        ("Name", requisites.name),
        ("PersonalAcc", requisites.personal_account),
        ("BankName", requisites.bank_name),
        ("BIC", requisites.bic),
        ("CorrespAcc", requisites.correspondent_account or "0"),
        ("PayeeINN", requisites.payee_inn),
        ("KPP", requisites.kpp or ""),
        ("Purpose", requisites.purpose),
        ("Sum", str(kopecks)),
    ]
    parts = [HEADER]
    for key, value in fields:
        text = _clean(value)[: _MAX_LENGTH[key]]
        if text:
            parts.append(f"{key}={text}")
    return SEPARATOR.join(parts)


def parse(text: str) -> dict[str, str]:
    """The requisites of a payload (what a banking app reads): {"Name": ..., "Sum": ...}."""
    header, *fields = text.split(SEPARATOR)
    if header != HEADER:
        raise ValueError(f"not a ГОСТ Р 56042-2014 UTF-8 payload: {header!r}")
    return dict(field.split("=", 1) for field in fields if field)


def png(text: str, *, scale: int = 4) -> bytes:
    """The QR code as PNG (error correction M, the quiet zone of four modules included)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, encoding="utf-8").save(
        buffer, kind="png", scale=scale, border=4
    )
    return buffer.getvalue()


def svg(text: str, *, scale: int = 3) -> str:
    """The QR code as inline SVG for the HTML preview."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, encoding="utf-8").save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode()
