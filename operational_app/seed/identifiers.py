"""Vectorised ИНН/КПП generation with valid check digits (the algorithm of stdnum.ru.inn)."""

from __future__ import annotations

import numpy as np

from operational_app.seed.reference import DEFAULT_TAX_OFFICES, TAX_OFFICES_BY_REGION

_W10 = np.array([2, 4, 10, 3, 5, 9, 4, 6, 8])
_W11 = np.array([7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
_W12 = np.array([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


def tax_offices(rng: np.random.Generator, tax_regions: np.ndarray) -> np.ndarray:
    """Four-digit tax office codes (region + inspection number) as integers."""
    limits = np.array([TAX_OFFICES_BY_REGION.get(int(r), DEFAULT_TAX_OFFICES) for r in range(100)])
    inspection = 1 + (rng.random(tax_regions.size) * limits[tax_regions]).astype(np.int64)
    return tax_regions.astype(np.int64) * 100 + inspection


def _digits(office: np.ndarray, serial: np.ndarray, serial_width: int) -> np.ndarray:
    width = 4 + serial_width
    number = office * 10**serial_width + serial
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (number[:, None] // powers) % 10


def company_inns(rng: np.random.Generator, offices: np.ndarray) -> np.ndarray:
    """10-digit ИНН of legal entities: office(4) + serial(5) + check digit, as int64."""
    serial = rng.integers(0, 100_000, offices.size)
    digits = _digits(offices, serial, 5)
    check = (digits @ _W10) % 11 % 10
    return (offices * 10**5 + serial) * 10 + check


def personal_inns(rng: np.random.Generator, offices: np.ndarray) -> np.ndarray:
    """12-digit ИНН of individuals: office(4) + serial(6) + two check digits, as int64."""
    serial = rng.integers(0, 1_000_000, offices.size)
    digits = _digits(offices, serial, 6)
    c11 = (digits @ _W11) % 11 % 10
    c12 = (np.column_stack([digits, c11]) @ _W12) % 11 % 10
    return (offices * 10**6 + serial) * 100 + c11 * 10 + c12


def unique_inns(
    rng: np.random.Generator, offices: np.ndarray, personal: np.ndarray, taken: set[int]
) -> list[str]:
    """ИНН strings, redrawing the serial where two entities would share one (birthday clashes)."""
    values = np.where(personal, personal_inns(rng, offices), company_inns(rng, offices))
    seen = set(taken)
    result = values.tolist()
    for i, value in enumerate(result):
        while value in seen:
            # Rare (~0.1% at the large scale), so a scalar redraw keeps it simple.
            one = offices[i : i + 1]
            value = int((personal_inns if personal[i] else company_inns)(rng, one)[0])
        seen.add(value)
        result[i] = value
    return [
        f"{v:012d}" if p else f"{v:010d}" for v, p in zip(result, personal.tolist(), strict=True)
    ]


def kpp(office: int, reason: str = "01", serial: int = 1) -> str:
    """КПП: tax office (4) + registration reason (01 head office, 43 branch) + serial (3)."""
    return f"{office:04d}{reason}{serial:03d}"
