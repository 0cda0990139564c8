"""Import mappings: which source column (or template) fills which target field, and how.

A mapping is a YAML file (examples in `mappings/`):

    entity: deals                  # users | partners | deals | interactions | claims | sales_plans
    source: {encoding: auto, delimiter: auto, skip_rows: 0, header_contains: [...], sheet: ...}
                                   # encoding: auto detects UTF-8/16, cp1251, cp866, KOI8-R,
                                   # cp1252 and refuses a guess; or name any Python codec
    options: {...}                 # entity-specific switches (see each entity's docstring;
                                   # partners: autofill_by_inn: true, see autofill.py)
    fields:
      number: {template: "IMP-{opportunity_id}", required: true}
      stage:  {column: deal_stage, map: {Prospecting: Первичный контакт, ...}}
      manager: {column: sales_agent, on_unknown: create}
      created_at: {column: engage_date, formats: ["%Y-%m-%d"], default: now}

Per field: `column` or `template` ("{Column}" placeholders; a placeholder naming a target field
defined earlier uses that field's converted value), `map` (source value → our value, matched
exactly, then ignoring case and spaces; a null target blanks the value), `default` (used when the
value is empty; `now` = time of the import for dates), `required`, `formats` (strptime formats for
dates, tried in order; ISO is always accepted), `allowed` (the only values accepted; others are a
row error with a "did you mean" suggestion) and, for references, `on_unknown`:
`error` (row error with a suggestion), `create` (add the missing classifier / partner / user) or
`default` (use the field's default instead). `create_missing: true` is the same as
`on_unknown: create`; for `deal_kind` add `stages: [First, Second, ..., Final]` (in process order;
none = a non-process kind). Classifiers are created through operational_app.domain.classifiers,
so a name the admin pages would refuse (too long, taken by a deleted entry) is a row error; a dry
run reports them as "would create".
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar, Protocol

import yaml

from operational_app.db.models import naive_utc
from operational_app.importer.reading import SourceOptions

ON_UNKNOWN = ("error", "create", "default")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class MappingError(ValueError):
    """The mapping file itself is wrong (unknown entity, field, column...)."""


class FieldError(ValueError):
    """One value of one row cannot be used; becomes a line of the errors file."""

    def __init__(self, message: str, column: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.value = value


@dataclass(frozen=True)
class FieldSpec:
    name: str
    column: str | None = None
    template: str | None = None
    value_map: dict[str, Any] = field(default_factory=dict)
    default: Any = None
    required: bool = False
    formats: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    on_unknown: str = "error"
    parent_column: str | None = None  # hierarchical classifiers (claim reasons)
    stages: tuple[str, ...] = ()  # a deal kind created by the import: its stages in order

    @property
    def source_label(self) -> str:
        return self.column or self.template or self.name

    def _folded_map(self) -> dict[str, Any]:
        return {_fold(key): value for key, value in self.value_map.items()}


@dataclass(frozen=True)
class ImportMapping:
    entity: str
    source: SourceOptions
    fields: dict[str, FieldSpec]
    options: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def columns_used(self) -> set[str]:
        used: set[str] = set()
        for spec in self.fields.values():
            if spec.column:
                used.add(spec.column)
            if spec.parent_column:
                used.add(spec.parent_column)
            if spec.template:
                used.update(
                    name for name in _PLACEHOLDER.findall(spec.template) if name not in self.fields
                )
        return used


def _fold(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def read_mapping_document(path: Path | str) -> Any:
    """The YAML document of a mapping file, not yet checked."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise MappingError(f"{path}: a mapping must be UTF-8 text ({error.reason})") from None
    except yaml.YAMLError as error:
        raise MappingError(f"{path}: not valid YAML: {error}") from error
    return document


class EntityFields(Protocol):
    """What a mapping is checked against: an entity's target fields and the key among them (the
    importers in entities.py own them; operational_app.importer.parse_mapping passes them)."""

    FIELDS: ClassVar[dict[str, str]]
    KEY_FIELDS: ClassVar[tuple[str, ...]]


def check_mapping(
    document: Mapping[str, Any],
    entities: Mapping[str, type[EntityFields]],
    path: Path | None = None,
) -> ImportMapping:
    """A mapping document checked against the `entities` it may import."""
    where = str(path or "mapping")
    if not isinstance(document, Mapping):
        raise MappingError(f"{where}: expected a mapping with entity, source and fields")
    entity = document.get("entity")
    if entity not in entities:
        raise MappingError(f"{where}: entity must be one of {', '.join(entities)}, not {entity!r}")
    known = entities[entity].FIELDS
    for section in ("source", "options", "fields"):
        if not isinstance(document.get(section) or {}, Mapping):
            raise MappingError(f"{where}: {section} must be a mapping of names to values")
    source = dict(document.get("source") or {})
    header = source.pop("header_contains", ())
    try:
        options = SourceOptions(
            header_contains=tuple([header] if isinstance(header, str) else header), **source
        )
    except TypeError as error:
        raise MappingError(f"{where}: unknown source option: {error}") from error
    fields: dict[str, FieldSpec] = {}
    for name, raw in (document.get("fields") or {}).items():
        if name not in known:
            raise MappingError(
                f"{where}: {entity} has no field {name!r}; known fields: {', '.join(known)}"
            )
        fields[name] = _check_field(where, name, raw)
    missing = [name for name in entities[entity].KEY_FIELDS if name not in fields]
    if missing:
        raise MappingError(f"{where}: {entity} needs the key fields {', '.join(missing)}")
    return ImportMapping(entity, options, fields, dict(document.get("options") or {}), path)


def _check_field(where: str, name: str, raw: Any) -> FieldSpec:
    """One entry of a mapping's `fields`: a column name, or a mapping of the field's options."""
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw or {}, Mapping):
        raise MappingError(f"{where}: field {name} must be a column name or a mapping")
    raw = dict(raw or {})
    on_unknown = raw.pop("on_unknown", "error")
    if on_unknown not in ON_UNKNOWN:
        raise MappingError(f"{where}: {name}.on_unknown must be one of {ON_UNKNOWN}")
    create_missing = raw.pop("create_missing", False)
    if not isinstance(create_missing, bool):
        raise MappingError(f"{where}: {name}.create_missing must be true or false")
    if create_missing:
        if on_unknown not in ("error", "create"):
            raise MappingError(
                f"{where}: {name}: create_missing contradicts on_unknown: {on_unknown}"
            )
        on_unknown = "create"
    stages = raw.pop("stages", ())
    if isinstance(stages, str):
        stages = [part.strip() for part in stages.split(",")]
    if not isinstance(stages, list | tuple) or not all(
        isinstance(stage, str) and stage.strip() for stage in stages
    ):
        raise MappingError(f"{where}: {name}.stages must be a list of stage names")
    if stages and name != "deal_kind":
        raise MappingError(f"{where}: {name}: only deal_kind has stages")
    if len({stage.strip() for stage in stages}) != len(stages):
        raise MappingError(f"{where}: {name}.stages names a stage twice")
    formats = raw.pop("formats", raw.pop("format", ()))
    try:
        spec = FieldSpec(
            name=name,
            column=raw.pop("column", None),
            template=raw.pop("template", None),
            value_map={str(k): v for k, v in (raw.pop("map", None) or {}).items()},
            default=raw.pop("default", None),
            required=bool(raw.pop("required", False)),
            formats=tuple([formats] if isinstance(formats, str) else formats),
            allowed=tuple(str(v) for v in raw.pop("allowed", ())),
            on_unknown=on_unknown,
            parent_column=raw.pop("parent_column", None),
            stages=tuple(stage.strip() for stage in stages),
        )
    except TypeError as error:
        raise MappingError(f"{where}: field {name}: {error}") from error
    if raw:
        raise MappingError(f"{where}: field {name}: unknown keys {', '.join(raw)}")
    return spec


def suggest(value: str, known: list[str] | set[str] | tuple[str, ...]) -> str:
    """' (did you mean 'X'?)' for a near miss, else ''."""
    candidates = {_fold(name): name for name in known}
    close = difflib.get_close_matches(_fold(value), list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {candidates[close[0]]!r}?)" if close else ""


# -- extracting and converting values -----------------------------------------------------------


def raw_value(spec: FieldSpec, values: Mapping[str, Any], done: Mapping[str, Any]) -> Any:
    """The value of a field before conversion: column, template or nothing."""
    if spec.template is not None:

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            value = done.get(name) if name in done else values.get(name)
            return "" if value is None else _as_text(value)

        text = _PLACEHOLDER.sub(fill, spec.template)
        # A template of empty parts gives nothing, not its punctuation.
        parts = [values.get(n) or done.get(n) for n in _PLACEHOLDER.findall(spec.template)]
        return text.strip() if any(_as_text(p).strip() for p in parts if p is not None) else None
    if spec.column is None:
        return None
    value = values.get(spec.column)
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def mapped_value(spec: FieldSpec, value: Any) -> Any:
    """Apply the value map, the default and `required`."""
    if value is not None and spec.value_map:
        text = _as_text(value)
        if text in spec.value_map:
            value = spec.value_map[text]
        else:
            folded = spec._folded_map()
            if _fold(text) in folded:
                value = folded[_fold(text)]
    if value is None or (isinstance(value, str) and not value.strip()):
        value = spec.default
    if value is None and spec.required:
        raise FieldError(f"{spec.name} is required", spec.source_label, None)
    if value is not None and spec.allowed and _as_text(value) not in spec.allowed:
        raise FieldError(
            f"unknown {spec.name} {value!r}{suggest(_as_text(value), spec.allowed)}",
            spec.source_label,
            value,
        )
    return value


def to_text(spec: FieldSpec, value: Any, limit: int | None = None) -> str | None:
    if value is None:
        return None
    text = _as_text(value).strip()
    if limit is not None and len(text) > limit:
        raise FieldError(
            f"{spec.name} is longer than {limit} characters", spec.source_label, text[:60]
        )
    return text or None


def to_datetime(spec: FieldSpec, value: Any, now: dt.datetime) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _utc(spec, value, str(value))
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = str(value).strip()
    if text.casefold() in ("now", "today"):
        return now
    for fmt in spec.formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _utc(spec, parsed, text)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        expected = ", ".join(spec.formats) or "ISO (YYYY-MM-DD)"
        raise FieldError(
            f"{spec.name}: {text!r} is not a date ({expected})", spec.source_label, text
        ) from None
    return _utc(spec, parsed, text)


def _utc(spec: FieldSpec, value: dt.datetime, text: str) -> dt.datetime:
    try:
        return naive_utc(value)
    except ValueError:
        raise FieldError(
            f"{spec.name}: {text!r} lies outside the calendar in UTC", spec.source_label, text
        ) from None


def to_date(spec: FieldSpec, value: Any, now: dt.datetime) -> dt.date | None:
    moment = to_datetime(spec, value, now)
    return moment.date() if moment is not None else None


_AMOUNT_JUNK = re.compile(r"[\s\u00a0\u202f'₽$€]|руб\.?|RUB|USD", re.IGNORECASE)


def to_amount(spec: FieldSpec, value: Any) -> Decimal | None:
    """Money as exported: '1 234,56', '1,234.56', '1234', '12 000 руб.'."""
    if value is None:
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = _AMOUNT_JUNK.sub("", str(value))
        if "," in text and "." in text:
            # The last separator is the decimal one.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif "," in text:
            head, _, tail = text.rpartition(",")
            text = f"{head.replace(',', '')}{'.' if len(tail) != 3 else ''}{tail}"
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise FieldError(
                f"{spec.name}: {value!r} is not an amount", spec.source_label, value
            ) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e13"):
        raise FieldError(
            f"{spec.name}: {value!r} is outside 0 … 10 000 000 000 000", spec.source_label, value
        )
    return amount.quantize(Decimal("0.01"))


def to_int(spec: FieldSpec, value: Any, low: int, high: int) -> int | None:
    amount = to_amount(spec, value)
    if amount is None:
        return None
    if amount != amount.to_integral_value() or not low <= amount <= high:
        raise FieldError(
            f"{spec.name}: {value!r} is not a whole number {low}…{high}", spec.source_label, value
        )
    return int(amount)


_TRUE = {"1", "true", "yes", "y", "да", "истина", "x", "+"}
_FALSE = {"0", "false", "no", "n", "нет", "ложь", "-"}


def to_bool(spec: FieldSpec, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = _fold(str(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FieldError(f"{spec.name}: {value!r} is not yes/no", spec.source_label, value)


def to_choice(spec: FieldSpec, value: Any, choices: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    text = str(value)
    if text not in choices:
        raise FieldError(
            f"{spec.name}: {text!r} is not one of {', '.join(choices)}"
            f"{suggest(text, [*spec.value_map, *choices])}"
            " (add it to the field's map)",
            spec.source_label,
            text,
        )
    return text
