"""ИНН/КПП rules for counterparties (DESIGN.md §4).

A legal entity has a 10-digit ИНН and a КПП; an individual entrepreneur or a person has a
12-digit ИНН and no КПП. ИНН check digits are verified with python-stdnum.
"""

from __future__ import annotations

import re

from stdnum.ru import inn as stdnum_inn

from operational_app.db.models import LEGAL_FORMS
from operational_app.domain.errors import ValidationFailed

INN_LENGTH = {"legal_entity": 10, "individual_entrepreneur": 12, "person": 12}
# Positions 5-6 of a КПП are a reason code that may contain capital Latin letters. ASCII only:
# `\d` would take Arabic-Indic or fullwidth digits, and the duplicate-counterparty check
# compares the stored text.
KPP_PATTERN = re.compile(r"^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$")


def validate_legal_form(legal_form: str) -> str:
    if legal_form not in LEGAL_FORMS:
        raise ValidationFailed(
            "legal_form.unknown",
            f"Legal form must be one of {', '.join(LEGAL_FORMS)}.",
            field="legal_form",
        )
    return legal_form


def validate_inn(inn: str, legal_form: str) -> str:
    """Return the normalised ИНН or raise ValidationFailed naming the broken rule."""
    validate_legal_form(legal_form)
    value = (inn or "").strip()
    expected = INN_LENGTH[legal_form]
    if not value.isascii() or not value.isdigit():
        raise ValidationFailed("inn.digits", "ИНН (INN) must consist of digits only.", field="inn")
    if len(value) != expected:
        raise ValidationFailed(
            "inn.length",
            f"ИНН (INN) of a {legal_form.replace('_', ' ')} must have {expected} digits, "
            f"got {len(value)}.",
            field="inn",
            params={"expected": expected, "actual": len(value)},
        )
    if not stdnum_inn.is_valid(value):
        raise ValidationFailed("inn.checksum", "ИНН (INN) check digits do not match.", field="inn")
    return value


def validate_kpp(kpp: str | None, legal_form: str) -> str | None:
    """КПП is required for legal entities and forbidden for everyone else."""
    validate_legal_form(legal_form)
    value = (kpp or "").strip() or None
    # Checked before upper(): "ı".upper() is the Latin "I".
    if value is not None and value.isascii():
        value = value.upper()
    if legal_form != "legal_entity":
        if value is not None:
            raise ValidationFailed(
                "kpp.forbidden",
                "КПП (KPP) is only given for legal entities; leave it empty.",
                field="kpp",
            )
        return None
    if value is None:
        raise ValidationFailed(
            "kpp.required", "КПП (KPP) is required for a legal entity.", field="kpp"
        )
    if not KPP_PATTERN.match(value):
        raise ValidationFailed(
            "kpp.format",
            "КПП (KPP) must have 9 characters: 4 digits, 2 digits or capital Latin letters, "
            "3 digits.",
            field="kpp",
        )
    return value


def validate_counterparty_identity(
    legal_form: str, inn: str, kpp: str | None
) -> tuple[str, str, str | None]:
    legal_form = validate_legal_form(legal_form)
    return legal_form, validate_inn(inn, legal_form), validate_kpp(kpp, legal_form)
