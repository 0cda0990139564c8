"""Сумма прописью (issue 25): gender of the units (одна тысяча, один рубль, одна копейка),
the three plural forms and the 11-14 exception, zero, and every scale up to billions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from operational_app.domain.amount_words import (
    KOPECK_FORMS,
    RUBLE_FORMS,
    amount_in_words,
    integer_in_words,
    plural,
)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "Ноль рублей 00 копеек"),
        ("0.01", "Ноль рублей 01 копейка"),
        ("1", "Один рубль 00 копеек"),
        ("2.02", "Два рубля 02 копейки"),
        ("5.05", "Пять рублей 05 копеек"),
        ("11.11", "Одиннадцать рублей 11 копеек"),
        ("14.14", "Четырнадцать рублей 14 копеек"),
        ("21.21", "Двадцать один рубль 21 копейка"),
        ("112.12", "Сто двенадцать рублей 12 копеек"),
        ("1000", "Одна тысяча рублей 00 копеек"),
        ("2000", "Две тысячи рублей 00 копеек"),
        ("5000", "Пять тысяч рублей 00 копеек"),
        ("11000", "Одиннадцать тысяч рублей 00 копеек"),
        ("21001.05", "Двадцать одна тысяча один рубль 05 копеек"),
        ("42500", "Сорок две тысячи пятьсот рублей 00 копеек"),
        ("1000000", "Один миллион рублей 00 копеек"),
        ("2002002.22", "Два миллиона две тысячи два рубля 22 копейки"),
        ("3000000000", "Три миллиарда рублей 00 копеек"),
        (
            "512345678.99",
            "Пятьсот двенадцать миллионов триста сорок пять тысяч шестьсот семьдесят восемь "
            "рублей 99 копеек",
        ),
    ],
)
def test_amount_in_words(amount: str, words: str):
    assert amount_in_words(Decimal(amount)) == words


def test_kopecks_are_rounded_half_up():
    assert amount_in_words(Decimal("9.995")) == "Десять рублей 00 копеек"


@pytest.mark.parametrize(
    ("number", "form"),
    [(1, 0), (2, 1), (4, 1), (5, 2), (11, 2), (12, 2), (14, 2), (21, 0), (22, 1), (111, 2)],
)
def test_plural_forms(number: int, form: int):
    assert plural(number, RUBLE_FORMS) == RUBLE_FORMS[form]
    assert plural(number, KOPECK_FORMS) == KOPECK_FORMS[form]


def test_feminine_units_and_refusals():
    assert integer_in_words(2, feminine=True) == "две"
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))
