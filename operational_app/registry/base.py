"""The one lookup interface every registry source implements, and the checks made before any
lookup: ИНН check digits (python-stdnum), КПП format and ОГРН check digits of what comes back.

Legal entities only get the whole record; for an individual entrepreneur a source may give at most
the name and the ОГРНИП (`RegistryParty.for_entrepreneur`); a person gets nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Protocol

from stdnum.ru import ogrn as stdnum_ogrn

from operational_app.domain.errors import ValidationFailed
from operational_app.domain.validation import KPP_PATTERN, validate_inn

STATUSES = ("active", "liquidating", "liquidated", "bankrupt", "reorganising")
# Statuses the form warns about: the counterparty is going away or gone.
WARNING_STATUSES = frozenset({"liquidating", "liquidated", "bankrupt"})


@dataclasses.dataclass(frozen=True)
class RegistryParty:
    """One registered unit: the head office (is_branch False) or one of its branches."""

    inn: str
    kpp: str | None = None
    ogrn: str | None = None
    full_name: str | None = None
    short_name: str | None = None
    legal_address: str | None = None
    phone: str | None = None
    registration_date: dt.date | None = None
    director: str | None = None
    status: str = "active"
    is_branch: bool = False
    branch_name: str | None = None
    is_entrepreneur: bool = False

    def to_json(self) -> dict[str, Any]:
        payload = dataclasses.asdict(self)
        date = payload["registration_date"]
        payload["registration_date"] = date.isoformat() if date else None
        return payload

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> RegistryParty:
        known = {field.name for field in dataclasses.fields(cls)}
        values = {key: value for key, value in payload.items() if key in known}
        if values.get("registration_date"):
            values["registration_date"] = dt.date.fromisoformat(values["registration_date"])
        return cls(**values)

    @property
    def needs_warning(self) -> bool:
        return self.status in WARNING_STATUSES

    def for_entrepreneur(self) -> RegistryParty:
        """What an ИП may be proposed: the name and the ОГРНИП, nothing else."""
        return RegistryParty(
            inn=self.inn,
            ogrn=self.ogrn,
            full_name=self.full_name,
            short_name=self.short_name,
            status=self.status,
            is_entrepreneur=True,
        )


class RegistryUnavailable(Exception):
    """A source could not answer (timeout, rate limit, server error, not configured).

    `code` is one of "timeout", "rate_limited", "unavailable", "not_configured", "disabled";
    the form shows a message for it and stays usable by hand.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CounterpartyRegistry(Protocol):
    """A source of registered legal entities, looked up by ИНН."""

    name: str

    def find_by_inn(self, inn: str) -> list[RegistryParty]:
        """Head office first, then branches; [] when the source knows no such ИНН."""
        ...


def checked_lookup_inn(inn: str) -> str:
    """The ИНН a lookup may be made for: 10 digits (legal entity) or 12 (ИП), check digits
    valid; otherwise ValidationFailed, so no source is ever asked about a mistyped number."""
    value = (inn or "").strip()
    legal_form = "individual_entrepreneur" if len(value) == 12 else "legal_entity"
    return validate_inn(value, legal_form)


def clean_kpp(kpp: str | None) -> str | None:
    """A КПП from a source, or None when it does not have the КПП shape (never proposed)."""
    value = (kpp or "").strip().upper()
    return value if value.isascii() and KPP_PATTERN.match(value) else None


def clean_ogrn(ogrn: str | None) -> str | None:
    """An ОГРН (13 digits) or ОГРНИП (15) whose check digit holds, else None."""
    value = (ogrn or "").strip()
    return value if value.isascii() and stdnum_ogrn.is_valid(value) else None


def sanitized(party: RegistryParty) -> RegistryParty:
    """`party` with a malformed КПП/ОГРН dropped and an unknown status refused."""
    if party.status not in STATUSES:
        raise ValueError(f"unknown registry status {party.status!r}")
    return dataclasses.replace(party, kpp=clean_kpp(party.kpp), ogrn=clean_ogrn(party.ogrn))


def head_office_first(parties: list[RegistryParty]) -> list[RegistryParty]:
    return sorted(parties, key=lambda party: (party.is_branch, party.kpp or ""))


__all__ = [
    "STATUSES",
    "CounterpartyRegistry",
    "RegistryParty",
    "RegistryUnavailable",
    "ValidationFailed",
    "checked_lookup_inn",
    "clean_kpp",
    "clean_ogrn",
    "head_office_first",
    "sanitized",
]
