"""ИНН/КПП rules per legal form."""

from __future__ import annotations

import pytest

from operational_app.domain.errors import ValidationFailed
from operational_app.domain.validation import (
    validate_counterparty_identity,
    validate_inn,
    validate_kpp,
)

VALID_COMPANY_INN = "7707083893"  # Sberbank
VALID_PERSONAL_INN = "500100732259"


def rule_of(call, *args: object) -> str:
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    return caught.value.rule


@pytest.mark.parametrize(
    ("legal_form", "inn"),
    [
        ("legal_entity", VALID_COMPANY_INN),
        ("individual_entrepreneur", VALID_PERSONAL_INN),
        ("person", VALID_PERSONAL_INN),
    ],
)
def test_valid_inn_per_legal_form(legal_form: str, inn: str) -> None:
    assert validate_inn(f" {inn} ", legal_form) == inn


@pytest.mark.parametrize(
    ("legal_form", "inn"),
    [
        ("legal_entity", VALID_PERSONAL_INN),
        ("individual_entrepreneur", VALID_COMPANY_INN),
        ("person", VALID_COMPANY_INN),
        ("legal_entity", "770708389"),
    ],
)
def test_wrong_length_for_legal_form(legal_form: str, inn: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_inn(inn, legal_form)
    assert caught.value.rule == "inn.length"
    assert caught.value.field == "inn"
    assert str(len(inn)) in caught.value.message


@pytest.mark.parametrize(
    ("legal_form", "inn"),
    [("legal_entity", "7707083894"), ("person", "500100732258"), ("legal_entity", "0000000001")],
)
def test_bad_check_digits(legal_form: str, inn: str) -> None:
    assert rule_of(validate_inn, inn, legal_form) == "inn.checksum"


@pytest.mark.parametrize("inn", ["77O7083893", "7707-08389", "", "７７０７０８３８９３"])
def test_non_digits(inn: str) -> None:
    assert rule_of(validate_inn, inn, "legal_entity") == "inn.digits"


@pytest.mark.parametrize("kpp", ["773601001", "7736AB001", "7736ab001"])
def test_valid_kpp_for_legal_entity(kpp: str) -> None:
    assert validate_kpp(kpp, "legal_entity") == kpp.upper()


@pytest.mark.parametrize(
    ("kpp", "legal_form", "rule"),
    [
        (None, "legal_entity", "kpp.required"),
        ("  ", "legal_entity", "kpp.required"),
        ("77360100", "legal_entity", "kpp.format"),
        ("7736010011", "legal_entity", "kpp.format"),
        ("77A601001", "legal_entity", "kpp.format"),
        ("773601001", "individual_entrepreneur", "kpp.forbidden"),
        ("773601001", "person", "kpp.forbidden"),
    ],
)
def test_kpp_rules(kpp: str | None, legal_form: str, rule: str) -> None:
    assert rule_of(validate_kpp, kpp, legal_form) == rule


def test_identity_for_person_drops_blank_kpp() -> None:
    assert validate_counterparty_identity("person", VALID_PERSONAL_INN, "") == (
        "person",
        VALID_PERSONAL_INN,
        None,
    )


def test_unknown_legal_form() -> None:
    assert rule_of(validate_inn, VALID_COMPANY_INN, "trust") == "legal_form.unknown"


@pytest.mark.parametrize(
    "kpp",
    [
        "٧٧٣٦٠١٠٠١",  # Arabic-Indic digits
        "７７３６０１００１",  # fullwidth digits
        "7736٠1001",  # one Arabic-Indic digit among ASCII ones
        "7736ıı001",  # dotless i, which str.upper() turns into Latin I
    ],
)
def test_kpp_accepts_ascii_digits_only(kpp: str) -> None:
    # Python's \d matches any Unicode digit; the duplicate-counterparty check compares the
    # stored text, so a КПП spelt in other digits would slip past it.
    assert rule_of(validate_kpp, kpp, "legal_entity") == "kpp.format"
