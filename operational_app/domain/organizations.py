"""Организации: our own legal entities and their identities in the GIS systems (DESIGN.md §4).

An administrator edits them; the pipeline reads them from the OLTP to decide the direction and
the counterparty of each GIS document (ingestion.gis.identities). The rules:
- ИНН/КПП follow the counterparty rules (domain.validation): a 10-digit ИНН is a legal entity
  and needs a КПП, a 12-digit ИНН is an individual entrepreneur and has none;
- an ЕГАИС FSRAR ID (идентификатор ФСРАР) is 12 digits; the organization has its main one and
  may have further ones (one per УТМ, i.e. per licensed place);
- ВетИС GUIDs are UUIDs, stored in canonical lower-case form (the parsers compare them so);
- the ГИС МТ participant is an ИНН, given only when it is not the organization's own;
- one identity belongs to one organization: two organizations naming the same FSRAR ID or GUID
  would make the direction of a document ambiguous.

List columns are stored as identifiers separated by commas (migration 0003_gis_identities;
`ingestion.gis.identities.split_ids` reads them); input may separate them by line breaks,
commas, semicolons or spaces.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import Organization
from operational_app.domain.common import clean_text, require_text
from operational_app.domain.errors import ValidationFailed, check_version
from operational_app.domain.validation import validate_inn, validate_kpp

ORGANIZATION_FIELDS: Final = (
    "name",
    "inn",
    "kpp",
    "fsrar_id",
    "additional_fsrar_ids",
    "vetis_business_entity_guid",
    "vetis_enterprise_guids",
    "gismt_participant_inn",
    # Requisites a Счет на оплату prints (issue 25).
    "legal_address",
    "bank_name",
    "bank_bik",
    "settlement_account",
    "correspondent_account",
    "director_name",
    "chief_accountant_name",
    "is_vat_payer",
)
TEXT_FIELDS: Final = ("legal_address", "bank_name", "director_name", "chief_accountant_name")
# Digits only, of a fixed length: БИК 9, расчётный and корреспондентский счёт 20.
DIGIT_FIELDS: Final = {"bank_bik": 9, "settlement_account": 20, "correspondent_account": 20}
LIST_FIELDS: Final = ("additional_fsrar_ids", "vetis_enterprise_guids")
FSRAR_ID_PATTERN: Final = re.compile(r"^\d{12}$")
# The same separators as ingestion.gis.identities.split_ids, so what is stored reads back alike.
_SEPARATORS: Final = re.compile(r"[\s,;]+")
# Bounds a pasted list: far more than any organization has УТМ or ВетИС enterprises.
MAX_LIST_ITEMS: Final = 200


def legal_form_of(inn: str) -> str:
    """Our organization is a legal entity (10-digit ИНН) or an individual entrepreneur (12)."""
    return "individual_entrepreneur" if len(inn.strip()) == 12 else "legal_entity"


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """Identifiers of a list input, in order, without blanks or repeats."""
    if value is None:
        return []
    parts = _SEPARATORS.split(value) if isinstance(value, str) else list(value)
    return list(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


def join_list(values: list[str]) -> str | None:
    """The stored form of a list column: comma-separated, NULL when empty."""
    return ",".join(values) or None


def lines(stored: str | None) -> str:
    """A stored list as the form shows it: one identifier per line."""
    return "\n".join(split_list(stored))


def validate_fsrar_id(value: str, field: str = "fsrar_id") -> str:
    value = value.strip()
    if not FSRAR_ID_PATTERN.match(value) or not value.isascii():
        raise ValidationFailed(
            "organization.fsrar_id",
            f"Идентификатор ФСРАР (FSRAR ID) must have 12 digits, got {value!r}.",
            field=field,
            params={"value": value},
        )
    return value


def validate_guid(value: str, field: str) -> str:
    """A ВетИС GUID in canonical form; braces, `urn:uuid:` and upper case are accepted."""
    text = value.strip()
    try:
        if len(text) > 45:  # the longest spelling uuid.UUID accepts is urn:uuid:{...}
            raise ValueError(text)
        return str(uuid.UUID(text))
    except ValueError:
        raise ValidationFailed(
            "organization.guid",
            f"{text!r} is not a GUID (32 hexadecimal digits, e.g. "
            "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b).",
            field=field,
            params={"value": text[:60]},
        ) from None


def _validate_list(value: Any, field: str, check: Any) -> str | None:
    items = split_list(value)
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationFailed(
            "organization.list_too_long",
            f"At most {MAX_LIST_ITEMS} identifiers, got {len(items)}.",
            field=field,
            params={"limit": MAX_LIST_ITEMS, "count": len(items)},
        )
    return join_list(list(dict.fromkeys(check(item, field) for item in items)))


def _validate_participant_inn(value: str | None) -> str | None:
    inn = clean_text(value)
    if inn is None:
        return None
    try:
        return validate_inn(inn, legal_form_of(inn))
    except ValidationFailed as exc:
        exc.field = "gismt_participant_inn"
        raise


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields validated and in their stored form; raises ValidationFailed (422)."""
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = require_text(values["name"], "name")
    if "fsrar_id" in values:
        fsrar_id = clean_text(values["fsrar_id"])
        cleaned["fsrar_id"] = None if fsrar_id is None else validate_fsrar_id(fsrar_id)
    if "additional_fsrar_ids" in values:
        cleaned["additional_fsrar_ids"] = _validate_list(
            values["additional_fsrar_ids"], "additional_fsrar_ids", validate_fsrar_id
        )
    if "vetis_business_entity_guid" in values:
        guid = clean_text(values["vetis_business_entity_guid"])
        field = "vetis_business_entity_guid"
        cleaned[field] = None if guid is None else validate_guid(guid, field)
    if "vetis_enterprise_guids" in values:
        cleaned["vetis_enterprise_guids"] = _validate_list(
            values["vetis_enterprise_guids"], "vetis_enterprise_guids", validate_guid
        )
    if "gismt_participant_inn" in values:
        cleaned["gismt_participant_inn"] = _validate_participant_inn(
            values["gismt_participant_inn"]
        )
    for field in TEXT_FIELDS:
        if field in values:
            cleaned[field] = clean_text(values[field])
    for field, length in DIGIT_FIELDS.items():
        if field in values:
            cleaned[field] = _validate_digits(values[field], field, length)
    if "is_vat_payer" in values:
        cleaned["is_vat_payer"] = values["is_vat_payer"] is not False
    return cleaned


def _validate_digits(value: Any, field: str, length: int) -> str | None:
    text = clean_text(None if value is None else str(value))
    if text is None:
        return None
    if not (text.isdigit() and len(text) == length):
        raise ValidationFailed(
            "organization.digits",
            f"{field} must be {length} digits.",
            field=field,
            params={"field": field, "length": length},
        )
    return text


def _identity(organization: Organization, values: Mapping[str, Any]) -> dict[str, Any]:
    """The organization's identity fields as they will be after `values` are applied."""
    return {field: values.get(field, getattr(organization, field)) for field in ORGANIZATION_FIELDS}


def _validate_inn_kpp(identity: Mapping[str, Any]) -> tuple[str, str | None]:
    inn = (identity.get("inn") or "").strip()
    legal_form = legal_form_of(inn)
    return validate_inn(inn, legal_form), validate_kpp(identity.get("kpp"), legal_form)


def _ensure_unique(session: Session, identity: Mapping[str, Any], exclude_id: int | None) -> None:
    """ИНН and each FSRAR ID and ВетИС GUID belong to one organization (deleted ones included:
    the ИНН column is unique in the database, and a deleted organization's files still arrive)."""
    others = [
        org
        for org in session.scalars(select(Organization).order_by(Organization.id))
        if org.id != exclude_id
    ]
    for other in others:
        if other.inn == identity["inn"]:
            raise ValidationFailed(
                "organization.duplicate_inn",
                f"Organization {other.name!r} already has ИНН {other.inn}.",
                field="inn",
                params={"inn": other.inn, "name": other.name},
            )
    fsrar_taken = {
        fsrar_id: other
        for other in others
        for fsrar_id in split_list(other.fsrar_id) + split_list(other.additional_fsrar_ids)
    }
    for field in ("fsrar_id", "additional_fsrar_ids"):
        for fsrar_id in split_list(identity[field]):
            if fsrar_id in fsrar_taken:
                _taken(field, fsrar_id, fsrar_taken[fsrar_id])
    guids_taken = {
        guid.lower(): other
        for other in others
        for guid in split_list(other.vetis_business_entity_guid)
        + split_list(other.vetis_enterprise_guids)
    }
    for field in ("vetis_business_entity_guid", "vetis_enterprise_guids"):
        for guid in split_list(identity[field]):
            if guid.lower() in guids_taken:
                _taken(field, guid, guids_taken[guid.lower()])


def _taken(field: str, value: str, owner: Organization) -> None:
    raise ValidationFailed(
        "organization.identity_taken",
        f"{value} already belongs to organization {owner.name!r}.",
        field=field,
        params={"value": value, "name": owner.name},
    )


def list_organizations(session: Session) -> list[Organization]:
    """Live organizations by name."""
    query = select(Organization).where(Organization.deleted_at.is_(None))
    return list(session.scalars(query.order_by(Organization.name, Organization.id)))


def _apply(session: Session, organization: Organization, values: Mapping[str, Any]) -> None:
    given = {k: v for k, v in values.items() if k in ORGANIZATION_FIELDS}
    cleaned = clean_values(given)
    identity = _identity(organization, {**given, **cleaned})
    cleaned["inn"], cleaned["kpp"] = _validate_inn_kpp(identity)
    identity.update(inn=cleaned["inn"], kpp=cleaned["kpp"])
    _ensure_unique(session, identity, organization.id)
    for field, value in cleaned.items():
        if getattr(organization, field) != value:
            setattr(organization, field, value)


def create_organization(session: Session, values: Mapping[str, Any]) -> Organization:
    organization = Organization()
    with session.no_autoflush:
        _apply(session, organization, {field: values.get(field) for field in ORGANIZATION_FIELDS})
    session.add(organization)
    session.flush()
    return organization


def update_organization(
    session: Session,
    organization: Organization,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Organization:
    """Apply only the given fields (a PATCH); refuse if the caller edited an old version."""
    check_version(organization, expected_version)
    # No autoflush while the uniqueness queries run: one edit must bump the version once.
    with session.no_autoflush:
        _apply(session, organization, changes)
    session.flush()
    return organization
