"""HTML form parsing: the same bounded types as the API, with form conventions.

Browsers send every field as a string: a blank input means "not given" and an amount may be
typed the Russian way ("1 500,50"). Errors come back per field, translated, for the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    create_model,
    model_validator,
)

from operational_app.api.schemas import (
    Address,
    Amount,
    Id,
    InnInput,
    KppInput,
    LegalForm,
    LongText,
    Name200,
    PartnerKind,
    Phone,
    Version,
    entry_type,
    text,
)
from operational_app.domain.deal_fields import DEAL_FIELDS, EntryField
from operational_app.domain.errors import DomainError
from operational_app.i18n import translate


class FormModel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_none(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {
                key: None if isinstance(value, str) and not value.strip() else value
                for key, value in data.items()
            }
        return data


def _normalise_amount(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return value


FormAmount = Annotated[Amount, BeforeValidator(_normalise_amount)]


class PartnerForm(FormModel):
    name: Name200
    kind: PartnerKind = "customer"
    business_region_id: Id | None = None
    manager_id: Id | None = None
    comment: LongText | None = None
    legal_form: LegalForm
    inn: InnInput
    kpp: KppInput | None = None
    legal_name: text(300)
    legal_address: Address | None = None
    phone: Phone | None = None

    def partner_fields(self) -> dict[str, Any]:
        return self.model_dump(
            include={"name", "kind", "business_region_id", "manager_id", "comment"}
        )

    def counterparty_fields(self) -> dict[str, Any]:
        return self.model_dump(
            include={"legal_form", "inn", "kpp", "legal_name", "legal_address", "phone"}
        )


class PartnerEditForm(FormModel):
    """The partner card's edit form: the management fields; legal entities are edited apart."""

    version: Version
    name: Name200
    kind: PartnerKind = "customer"
    business_region_id: Id | None = None
    manager_id: Id | None = None
    comment: LongText | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude={"version"})


class CounterpartyForm(FormModel):
    """One legal entity of a partner; `version` is given when an existing one is edited."""

    version: Version | None = None
    legal_form: LegalForm
    inn: InnInput
    kpp: KppInput | None = None
    legal_name: text(300)
    legal_address: Address | None = None
    phone: Phone | None = None

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"version"})


class EntryForm(FormModel):
    """A form derived from a field spec: a blank input of a field with a default takes it."""

    defaults: ClassVar[dict[str, Any]] = {}

    def fields(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"version"})
        for name, default in self.defaults.items():
            if name in values:
                values[name] = values[name] if values[name] is not None else default
        return values


def _form_type(field: EntryField) -> Any:
    return FormAmount if field.kind == "amount" else entry_type(field)


def entry_form(name: str, fields: list[EntryField], *, with_version: bool) -> type[EntryForm]:
    """Required inputs stay required; every other may be blank (null, or the default)."""
    definitions: dict[str, Any] = {"version": (Version, ...)} if with_version else {}
    for field in fields:
        if field.required:
            definitions[field.name] = (_form_type(field), ...)
        else:
            definitions[field.name] = (_form_type(field) | None, None)
    form = create_model(name, __base__=EntryForm, __module__=__name__, **definitions)
    form.defaults = {field.name: field.default for field in fields if field.default is not None}
    return form


# The operators' deal forms (templates/deals/form.html, the card's edit form in card.html).
DealForm = entry_form(
    "DealForm", [field for field in DEAL_FIELDS if field.on_create_form], with_version=False
)
DealEditForm = entry_form(
    "DealEditForm",
    [field for field in DEAL_FIELDS if field.editable and field.on_edit_form],
    with_version=True,
)


def form_errors(exc: ValidationError, lang: str) -> dict[str, str]:
    """First error per field, in the operator's language."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "_"
        if field in errors:
            continue
        kind = error["type"]
        if error.get("input") is None and kind in ("string_type", "int_type", "missing"):
            kind = "missing"
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        errors[field] = translate(
            f"input.{kind}", lang, default=translate("input.invalid", lang), **context
        )
    return errors


def domain_error_message(exc: DomainError, lang: str) -> str:
    return translate(f"rule.{exc.rule}", lang, default=exc.message, **exc.params)
