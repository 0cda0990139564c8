"""Сумма прописью: an amount of rubles and kopecks in Russian words, as invoices print it.

    amount_in_words(Decimal("21001.05")) == "Двадцать одна тысяча один рубль 05 копеек"

Rubles are words (тысяча is feminine: одна, две; рубль, миллион, миллиард are masculine: один,
два); kopecks stay two digits, as in a payment order. The noun follows the last two digits:
1 → рубль, 2-4 → рубля, 0 and 5-20 → рублей (11-14 always take the many form).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_UNITS_MASCULINE = (
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
)
_UNITS_FEMININE = ("", "одна", "две", *_UNITS_MASCULINE[3:])
_TEENS = (
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
)
_TENS = (
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
)
_HUNDREDS = (
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
)
# Each power of a thousand: its forms (one, few, many) and whether it is feminine.
_SCALES = (
    (("", "", ""), False),
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
    (("триллион", "триллиона", "триллионов"), False),
)
RUBLE_FORMS = ("рубль", "рубля", "рублей")
KOPECK_FORMS = ("копейка", "копейки", "копеек")


def plural(number: int, forms: tuple[str, str, str]) -> str:
    """The form of a noun after `number`: (1 рубль, 2 рубля, 5 рублей)."""
    last_two = number % 100
    last = number % 10
    if 11 <= last_two <= 14:
        return forms[2]
    if last == 1:
        return forms[0]
    if 2 <= last <= 4:
        return forms[1]
    return forms[2]


def _triad(number: int, *, feminine: bool) -> list[str]:
    words = [_HUNDREDS[number // 100]]
    rest = number % 100
    if 10 <= rest <= 19:
        words.append(_TEENS[rest - 10])
    else:
        words.append(_TENS[rest // 10])
        words.append((_UNITS_FEMININE if feminine else _UNITS_MASCULINE)[rest % 10])
    return [word for word in words if word]


def integer_in_words(number: int, *, feminine: bool = False) -> str:
    """A whole non-negative number in words; `feminine` for the units (одна копейка)."""
    if number < 0:
        raise ValueError("a negative amount has no words here")
    if number == 0:
        return "ноль"
    if number >= 1000 ** len(_SCALES):
        raise ValueError(f"{number} is too large to spell")
    words: list[str] = []
    for power in range(len(_SCALES) - 1, -1, -1):
        triad = number // 1000**power % 1000
        if not triad:
            continue
        forms, scale_feminine = _SCALES[power]
        words.extend(_triad(triad, feminine=scale_feminine if power else feminine))
        if power:
            words.append(plural(triad, forms))
    return " ".join(words)


def amount_in_words(amount: Decimal | int | str) -> str:
    """«Сорок две тысячи пятьсот рублей 00 копеек»: rubles in words, kopecks in digits."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("a negative amount has no words here")
    rubles = int(value)
    kopecks = int((value - rubles) * 100)
    text = f"{integer_in_words(rubles)} {plural(rubles, RUBLE_FORMS)} "
    text += f"{kopecks:02d} {plural(kopecks, KOPECK_FORMS)}"
    return text[0].upper() + text[1:]
