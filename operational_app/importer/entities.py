"""What importing a row means for each entity: conversion, references, insert or update.

Every entity has a natural key (the schema has no external-id column): partners by exact name,
deals and claims by `number` (mappings build it as "IMP-<source id>"), interactions by
(partner, planned_at, summary). A key already in the database is an update of that row when some
value differs, otherwise the row is counted as unchanged: re-running an import never duplicates.
New rows are bulk-inserted per chunk; updates go through the ORM (and, for deal status and
stage, through the domain services), so they follow the same rules as the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    CLAIM_RESULTS,
    CLAIM_SOURCES,
    CLAIM_STATUSES,
    CUSTOMER_ROLE,
    DEAL_STATUSES,
    DIRECTIONS,
    INTERACTION_KINDS,
    INTERACTION_STATUSES,
    LEGAL_FORMS,
    PARTNER_KINDS,
    USER_ROLES,
    Claim,
    Counterparty,
    Deal,
    DealStageHistory,
    Interaction,
    Partner,
    PartnerRoleLink,
    SalesPlan,
    User,
)
from operational_app.domain import deals as deal_service
from operational_app.domain.deal_fields import DEAL_FIELDS
from operational_app.domain.errors import DomainError, ValidationFailed
from operational_app.domain.validation import validate_counterparty_identity
from operational_app.importer import autofill
from operational_app.importer.mapping import (
    FieldError,
    FieldSpec,
    ImportMapping,
    MappingError,
    mapped_value,
    raw_value,
    to_amount,
    to_bool,
    to_choice,
    to_date,
    to_datetime,
    to_int,
    to_text,
)
from operational_app.importer.reading import SourceRow
from operational_app.importer.references import References
from operational_app.importer.seen import SeenKeys


@dataclass
class RowError:
    row: int
    line: int
    column: str | None
    value: Any
    message: str


class RowFailed(Exception):
    def __init__(self, errors: list[FieldError], values: dict[str, Any] | None = None) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors
        self.values = values  # what converted, so the row's other checks still run


@dataclass
class ChunkResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _row_errors(row: SourceRow, errors: list[FieldError]) -> list[RowError]:
    return [RowError(row.number, row.line, e.column, e.value, e.message) for e in errors]


class EntityImporter:
    """Shared flow: convert every row, split new keys from known ones, insert, update."""

    FIELDS: ClassVar[dict[str, str]] = {}  # target field -> value type
    MODEL: ClassVar[Any] = None
    KEY_FIELDS: ClassVar[tuple[str, ...]] = ()
    REPEATS_ALLOWED: ClassVar[bool] = False  # an identical repeat of a key is no error

    def __init__(
        self, session: Session, mapping: ImportMapping, refs: References, now: dt.datetime
    ) -> None:
        self.session = session
        self.mapping = mapping
        self.refs = refs
        self.now = now
        self.seen = SeenKeys()  # every key of the file, in bounded memory (see seen.py)
        self.first: dict[Any, dict[str, Any]] = {}
        # Fields of the row in hand whose conversion failed (already reported): checks that
        # would only repeat that error ("partner is required") skip them.
        self.failed: set[str] = set()

    # -- conversion -----------------------------------------------------------------------------

    def convert(self, row: SourceRow) -> dict[str, Any]:
        """Typed values of the mapped fields; references stay names until `prepare`."""
        done: dict[str, Any] = {}
        errors: list[FieldError] = []
        failed: list[str] = []
        for name, spec in self.mapping.fields.items():
            try:
                value = mapped_value(spec, raw_value(spec, row.values, done))
                kind = self.FIELDS[name]
                if kind == "datetime":
                    value = to_datetime(spec, value, self.now)
                elif kind == "date":
                    value = to_date(spec, value, self.now)
                elif kind == "amount":
                    value = to_amount(spec, value)
                elif kind == "percent":
                    value = to_int(spec, value, 0, 100)
                elif kind == "count":
                    value = to_int(spec, value, 0, 1_000_000)
                elif kind == "bool":
                    value = to_bool(spec, value)
                elif kind.startswith("text"):
                    limit = int(kind.split(":")[1]) if ":" in kind else None
                    value = to_text(spec, value, limit)
                elif kind.startswith("choice:"):
                    value = to_choice(spec, value, _CHOICES[kind.split(":")[1]])
                elif kind == "ref" and spec.parent_column:
                    parent = row.values.get(spec.parent_column)
                    done[f"{name}__parent"] = parent.strip() if isinstance(parent, str) else parent
                done[name] = value
            except FieldError as error:
                errors.append(error)
                failed.append(name)
                done[name] = None
        self.failed = set(failed)
        if errors:
            raise RowFailed(errors, done)
        return done

    def ref(self, errors: list[FieldError], resolve: Callable[[], Any]) -> Any:
        try:
            return resolve()
        except FieldError as error:
            errors.append(error)
            return None

    def spec(self, name: str) -> FieldSpec:
        return self.mapping.fields.get(name) or FieldSpec(name=name)

    # -- the entity-specific part ---------------------------------------------------------------

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def key(self, record: dict[str, Any]) -> Any:
        raise NotImplementedError

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        raise NotImplementedError

    def insert(self, records: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        """Whether the row would change the stored record (cheap: no queries)."""
        raise NotImplementedError

    def update(self, entity: Any, record: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- one chunk ------------------------------------------------------------------------------

    def import_chunk(self, rows: list[SourceRow]) -> ChunkResult:
        result = ChunkResult()
        ready: list[tuple[SourceRow, dict[str, Any]]] = []
        for row in rows:
            # Every error of the row: conversion errors first, then the references and rules
            # checked on what did convert (a bad date does not hide an unknown partner).
            try:
                values = self.convert(row)
            except RowFailed as failed:
                errors = failed.errors
                try:
                    self.prepare(failed.values or {})
                except RowFailed as more:
                    errors = errors + more.errors
                result.errors.extend(_row_errors(row, errors))
                continue
            try:
                record = self.prepare(values)
            except RowFailed as failed:
                result.errors.extend(_row_errors(row, failed.errors))
                continue
            key = self.key(record)
            if key in self.seen and self.REPEATS_ALLOWED and self.first.get(key) == record:
                # A list of people per row of another list (a team lead on every row of the
                # team file) names the same record again: nothing new, no error.
                result.unchanged += 1
                continue
            if key in self.seen:
                result.errors.append(
                    RowError(
                        row.number,
                        row.line,
                        None,
                        str(key),
                        f"the same record as row {self.seen[key]} (key {key}); skipped",
                    )
                )
                continue
            self.seen[key] = row.number
            if self.REPEATS_ALLOWED:
                self.first[key] = record
            ready.append((row, record))
        known = self.existing([self.key(record) for _, record in ready])
        fresh = [record for _, record in ready if self.key(record) not in known]
        if fresh:
            self.insert(fresh)
            result.imported += len(fresh)
        # Rows already in the database: one query loads them all, then compare field by field.
        loaded = {
            entity.id: entity
            for entity in self.session.scalars(
                select(self.MODEL).where(self.MODEL.id.in_(list(known.values())))
            )
        }
        for row, record in ready:
            identifier = known.get(self.key(record))
            if identifier is None:
                continue
            entity = loaded[identifier]
            if not self.differs(entity, record):
                result.unchanged += 1
                continue
            # A savepoint per changed row: a refused transition leaves the rest of the chunk.
            savepoint = self.session.begin_nested()
            try:
                self.update(entity, record)
                self.session.flush()
                savepoint.commit()
            except (FieldError, DomainError) as error:
                savepoint.rollback()
                message = getattr(error, "message", str(error))
                result.errors.append(RowError(row.number, row.line, None, None, message))
                continue
            result.updated += 1
        return result


def _insert_returning_ids(
    session: Session, model: Any, rows: list[dict[str, Any]], key: str
) -> list[int]:
    """Plain executemany (RETURNING makes SQLAlchemy split the batch), then one query maps the
    unique keys of the new rows to their ids."""
    table = model.__table__
    session.execute(insert(table), rows)
    keys = [row[key] for row in rows]
    found: dict[Any, int] = {}
    column = getattr(model, key)
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        for value, identifier in session.execute(
            select(column, model.id).where(column.in_(part)).order_by(model.id)
        ):
            found[value] = identifier  # the newest row with that key is the one just inserted
    return [found[value] for value in keys]


def _fold(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def _differs(entity: Any, changes: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if getattr(entity, name) != value}


_CHOICES = {
    "partner_kind": PARTNER_KINDS,
    "deal_status": DEAL_STATUSES,
    "interaction_kind": INTERACTION_KINDS,
    "direction": DIRECTIONS,
    "interaction_status": INTERACTION_STATUSES,
    "claim_source": CLAIM_SOURCES,
    "claim_status": CLAIM_STATUSES,
    "claim_result": CLAIM_RESULTS,
    "user_role": USER_ROLES,
    "legal_form": LEGAL_FORMS,
}


# -- partners ------------------------------------------------------------------------------------


class PartnerImporter(EntityImporter):
    """Партнёры by exact name. `roles` may hold several names separated by ';'.

    Optional counterparty fields (inn, kpp, legal_form, legal_name, legal_address, phone) create
    the partner's Контрагент when its (ИНН, КПП) is new (an existing one is left as it is); with
    autofill by ИНН on (see autofill.py) the registry fills what the file leaves empty. A legal
    entity with no КПП at all gets no counterparty: a warning, the partner is still imported."""

    FIELDS: ClassVar[dict[str, str]] = {
        "name": "text:200",
        "kind": "choice:partner_kind",
        "business_region": "ref",
        "manager": "ref",
        "roles": "ref",
        "comment": "text",
        # The counterparty (Контрагент) of the partner, optional: created when its ИНН/КПП is new.
        "inn": "text:12",
        "kpp": "text:9",
        "legal_form": "choice:legal_form",
        "legal_name": "text:300",
        "legal_address": "text:500",
        "phone": "text:50",
    }
    KEY_FIELDS = ("name",)
    MODEL = Partner

    def __init__(
        self, session: Session, mapping: ImportMapping, refs: References, now: dt.datetime
    ) -> None:
        super().__init__(session, mapping, refs, now)
        # Set by run_import when autofill by ИНН is on: ИНН -> the registry's answer.
        self.lookups: dict[str, autofill.Lookup] | None = None
        self.dry_run = False
        self.warnings: list[RowError] = []
        self.fills: list[RowError] = []
        self._row: SourceRow | None = None

    def convert(self, row: SourceRow) -> dict[str, Any]:
        self._row = row  # prepare() reports warnings and fills against the row in hand
        return super().convert(row)

    def _note(self, into: list[RowError], column: str | None, value: Any, message: str) -> None:
        row = self._row
        into.append(
            RowError(row.number if row else 0, row.line if row else 0, column, value, message)
        )

    def _counterparty(
        self, values: dict[str, Any], errors: list[FieldError]
    ) -> dict[str, Any] | None:
        """The counterparty columns of the row, autofilled and checked; None without an ИНН."""
        inn = values.get("inn")
        if not inn:
            return None
        legal_form = values.get("legal_form") or (
            "individual_entrepreneur" if len(inn) == 12 else "legal_entity"
        )
        fields = {name: values.get(name) for name in autofill.FILLED_FIELDS}
        lookup_inn = autofill.lookup_inn(inn) if legal_form == "legal_entity" else None
        if self.lookups is not None and lookup_inn is not None and lookup_inn in self.lookups:
            lookup = self.lookups[lookup_inn]
            if lookup.problem:
                self._note(
                    self.warnings,
                    "inn",
                    inn,
                    f"registry {lookup.source} did not answer "
                    f"({lookup.problem}); imported as it is",
                )
            elif lookup.party is None:
                self._note(self.warnings, "inn", inn, f"ИНН {inn} not found in {lookup.source}")
            else:
                if lookup.party.status in ("liquidated", "liquidating"):
                    self._note(
                        self.warnings,
                        "inn",
                        inn,
                        f"the counterparty is {lookup.party.status} according to {lookup.source}",
                    )
                filled = autofill.fill(fields, lookup)
                if filled:
                    fields.update(filled)
                    self._note(
                        self.fills,
                        "inn",
                        inn,
                        autofill.describe_fill(filled, lookup.source, dry_run=self.dry_run),
                    )
        try:
            legal_form, inn, kpp = validate_counterparty_identity(legal_form, inn, fields["kpp"])
        except ValidationFailed as error:
            if error.field == "kpp" and not fields["kpp"]:
                # No КПП in the file and none from the registry (off, unavailable, unknown ИНН):
                # the partner is imported as it is and the operator adds the counterparty.
                self._note(self.warnings, "kpp", inn, f"counterparty not created: {error.message}")
                return None
            errors.append(FieldError(error.message, error.field, inn))
            return None
        return {
            "legal_form": legal_form,
            "inn": inn,
            "kpp": kpp,
            "legal_name": fields["legal_name"] or values["name"],
            "legal_address": fields["legal_address"],
            "phone": fields["phone"],
        }

    def _counterparty_missing(self, counterparty: dict[str, Any] | None) -> bool:
        if counterparty is None:
            return False
        found = self.session.scalar(
            select(Counterparty.id).where(
                Counterparty.inn == counterparty["inn"],
                Counterparty.kpp.is_(None)
                if counterparty["kpp"] is None
                else Counterparty.kpp == counterparty["kpp"],
                Counterparty.deleted_at.is_(None),
            )
        )
        return found is None

    def _save_counterparty(self, partner_id: int, counterparty: dict[str, Any] | None) -> None:
        if self._counterparty_missing(counterparty):
            assert counterparty is not None
            self.session.add(Counterparty(partner_id=partner_id, **counterparty))
            self.session.flush()

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: list[FieldError] = []
        roles: list[int] = []
        for name in str(values.get("roles") or "").split(";"):
            if name.strip():
                role = self.ref(
                    errors, lambda n=name: self.refs.partner_role(self.spec("roles"), n)
                )
                if role is not None and role not in roles:
                    roles.append(role)
        record = {
            "name": values["name"],
            "kind": values.get("kind") or "customer",
            "business_region_id": self.ref(
                errors,
                lambda: self.refs.business_region(
                    self.spec("business_region"), values.get("business_region")
                ),
            ),
            "manager_id": self.ref(
                errors, lambda: self.refs.user(self.spec("manager"), values.get("manager"))
            ),
            "comment": values.get("comment"),
            "roles": roles,
            "counterparty": self._counterparty(values, errors) if values.get("name") else None,
        }
        if errors:
            raise RowFailed(errors)
        return record

    def key(self, record: dict[str, Any]) -> Any:
        return record["name"]

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        # Exact names: "Acme" and "ACME" are two partners unless a value map joins them.
        rows = self.session.execute(
            select(Partner.name, Partner.id).where(
                Partner.name.in_(keys), Partner.deleted_at.is_(None)
            )
        )
        found: dict[Any, int] = {}
        for name, identifier in rows:
            found.setdefault(name, identifier)
        self._roles: dict[int, set[int]] = {identifier: set() for identifier in found.values()}
        links = self.session.execute(
            select(PartnerRoleLink.partner_id, PartnerRoleLink.partner_role_id).where(
                PartnerRoleLink.partner_id.in_(list(found.values())),
                PartnerRoleLink.deleted_at.is_(None),
            )
        )
        for partner_id, role_id in links:
            self._roles[partner_id].add(role_id)
        return found

    def insert(self, records: list[dict[str, Any]]) -> None:
        rows = [
            {k: v for k, v in r.items() if k not in ("roles", "counterparty")} | {"version": 1}
            for r in records
        ]
        for row in rows:
            row["created_at"] = row["updated_at"] = self.now
        ids = _insert_returning_ids(self.session, Partner, rows, "name")
        links = [
            {"partner_id": pid, "partner_role_id": role, "version": 1}
            for pid, record in zip(ids, records, strict=True)
            for role in record["roles"]
        ]
        if links:
            self.session.execute(insert(PartnerRoleLink.__table__), links)
        catalog = self.refs.partners()
        for pid, record in zip(ids, records, strict=True):
            catalog.add(record["name"], pid)
            self._save_counterparty(pid, record["counterparty"])

    def _wanted(self, record: dict[str, Any]) -> dict[str, Any]:
        # Empty cells do not blank a region or manager set in the app; the comment follows the file.
        return {
            name: record[name]
            for name in ("kind", "business_region_id", "manager_id", "comment")
            if record[name] is not None or name == "comment"
        }

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        missing = set(record["roles"]) - self._roles.get(entity.id, set())
        return bool(
            _differs(entity, self._wanted(record))
            or missing
            or self._counterparty_missing(record["counterparty"])
        )

    def update(self, entity: Any, record: dict[str, Any]) -> None:
        for name, value in _differs(entity, self._wanted(record)).items():
            setattr(entity, name, value)
        self._save_counterparty(entity.id, record["counterparty"])
        # Roles are added, never removed: other sources (or operators) may have set them.
        have = self._roles.setdefault(entity.id, set())
        for role in record["roles"]:
            if role not in have:
                self.session.add(PartnerRoleLink(partner_id=entity.id, partner_role_id=role))
                have.add(role)


# -- deals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    stage_id: int
    entered_at: dt.datetime
    left_at: dt.datetime | None
    was_skipped: bool


def plan_stage_history(
    stage_ids: list[int],
    target: int,
    status: str,
    created_at: dt.datetime,
    closed_at: dt.datetime | None,
) -> tuple[int | None, list[HistoryRow]]:
    """Current stage and history rows that `domain.deals` would write for an imported deal.

    The deal is created on stage 1 at `created_at` and moved straight to stage index `target`
    the same moment (the stages in between recorded as skipped), then won at `closed_at` (carried
    to the final stage, the rest skipped) or lost there (it stays on its stage).
    """
    if not stage_ids:
        return None, []
    rows = [HistoryRow(stage_ids[0], created_at, None, False)]
    current = 0

    def move(to: int, when: dt.datetime) -> None:
        nonlocal current
        rows[-1] = HistoryRow(rows[-1].stage_id, rows[-1].entered_at, when, False)
        for index in range(current + 1, to):
            rows.append(HistoryRow(stage_ids[index], when, when, True))
        rows.append(HistoryRow(stage_ids[to], when, None, False))
        current = to

    if target > 0:
        move(target, created_at)
    if status in ("won", "lost"):
        assert closed_at is not None
        if status == "won" and current != len(stage_ids) - 1:
            move(len(stage_ids) - 1, closed_at)
        last = rows[-1]
        rows[-1] = HistoryRow(last.stage_id, last.entered_at, closed_at, False)
    return stage_ids[current], rows


class DealImporter(EntityImporter):
    """Сделки by number. `product` is only for templates (e.g. the name); it can be checked
    against `allowed`. A won or lost deal needs `closed_at`; a lost one a loss reason."""

    FIELDS: ClassVar[dict[str, str]] = {
        # The entry fields the app's forms have (domain/deal_fields.py), references by name.
        **dict(field.imported_as for field in DEAL_FIELDS if field.imported_as),
        # What an import adds: the history and outcome the other CRM already recorded.
        "product": "text",
        "stage": "ref",
        "status": "choice:deal_status",
        "created_at": "datetime",
        "closed_at": "datetime",
        "loss_reason": "ref",
        "loss_comment": "text",
    }
    KEY_FIELDS = ("number", "name", "partner", "deal_kind")
    MODEL = Deal

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: list[FieldError] = []
        partner_id = self.ref(
            errors, lambda: self.refs.partner(self.spec("partner"), values.get("partner"))
        )
        manager_id = self.ref(
            errors, lambda: self.refs.user(self.spec("manager"), values.get("manager"))
        )
        kind_id = self.ref(
            errors, lambda: self.refs.deal_kind(self.spec("deal_kind"), values.get("deal_kind"))
        )
        if partner_id is None and values.get("partner") is None and "partner" not in self.failed:
            errors.append(FieldError("partner is required", self.spec("partner").source_label))
        status = values.get("status") or "in_progress"
        created = values.get("created_at") or self.now
        closed = values.get("closed_at")
        stage_index = None
        if kind_id is not None and self.refs.kind_has_stages(kind_id):
            stage_index = self.ref(
                errors,
                lambda: self.refs.stage_index(self.spec("stage"), values.get("stage"), kind_id),
            )
            stage_index = stage_index or 0
        loss_reason_id = None
        if status == "lost":
            loss_reason_id = self.ref(
                errors,
                lambda: self.refs.loss_reason(self.spec("loss_reason"), values.get("loss_reason")),
            )
            unset = values.get("loss_reason") is None and "loss_reason" not in self.failed
            if loss_reason_id is None and unset:
                errors.append(
                    FieldError(
                        "a lost deal needs a loss reason (set loss_reason.default)",
                        self.spec("loss_reason").source_label,
                    )
                )
        if status in ("won", "lost"):
            if closed is None:
                errors.append(
                    FieldError(
                        f"a {status} deal needs a closing date", self.spec("closed_at").source_label
                    )
                )
            elif closed < created:
                errors.append(
                    FieldError(
                        f"closing date {closed:%Y-%m-%d} is before the creation date "
                        f"{created:%Y-%m-%d}",
                        self.spec("closed_at").source_label,
                        closed.date().isoformat(),
                    )
                )
        else:
            closed = None
        if errors:
            raise RowFailed(errors)
        probability = {"won": 100, "lost": 0}.get(status, values.get("probability") or 0)
        return {
            "number": values["number"],
            "name": values["name"],
            "partner_id": partner_id,
            "deal_kind_id": kind_id,
            "manager_id": manager_id,
            "status": status,
            "stage_index": stage_index,
            "potential_amount": values.get("potential_amount") or Decimal("0.00"),
            "probability": probability,
            "planned_close_date": values.get("planned_close_date"),
            "created_at": created,
            "closed_at": closed,
            "loss_reason_id": loss_reason_id,
            "loss_comment": values.get("loss_comment") if status == "lost" else None,
        }

    def key(self, record: dict[str, Any]) -> Any:
        return record["number"]

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        rows = self.session.execute(select(Deal.number, Deal.id).where(Deal.number.in_(keys)))
        return dict(rows.tuples().all())

    def insert(self, records: list[dict[str, Any]]) -> None:
        rows, plans = [], []
        for record in records:
            stage_ids = [s[0] for s in self.refs.stages(record["deal_kind_id"])]
            if record["stage_index"] is None:
                stage_ids = []
            current, history = plan_stage_history(
                stage_ids,
                record["stage_index"] or 0,
                record["status"],
                record["created_at"],
                record["closed_at"],
            )
            row = {k: v for k, v in record.items() if k != "stage_index"}
            row["current_stage_id"] = current
            row["updated_at"] = record["closed_at"] or record["created_at"]
            row["version"] = 1
            rows.append(row)
            plans.append(history)
        ids = _insert_returning_ids(self.session, Deal, rows, "number")
        history_rows = [
            {
                "deal_id": deal_id,
                "stage_id": step.stage_id,
                "entered_at": step.entered_at,
                "left_at": step.left_at,
                "was_skipped": step.was_skipped,
                "user_id": record["manager_id"],
                "created_at": step.entered_at,
                "updated_at": step.left_at or step.entered_at,
                "version": 1,
            }
            for deal_id, record, plan in zip(ids, rows, plans, strict=True)
            for step in plan
        ]
        if history_rows:
            self.session.execute(insert(DealStageHistory.__table__), history_rows)

    def _wanted(self, record: dict[str, Any]) -> dict[str, Any]:
        wanted = {
            "name": record["name"],
            "potential_amount": record["potential_amount"],
            "planned_close_date": record["planned_close_date"],
            "manager_id": record["manager_id"],
        }
        if record["status"] == "in_progress":
            wanted["probability"] = record["probability"]
        return wanted

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        if entity.status != record["status"] or _differs(entity, self._wanted(record)):
            return True
        if entity.status != "in_progress" or record["stage_index"] is None:
            return False
        stages = self.refs.stages(entity.deal_kind_id)
        current = next((i for i, s in enumerate(stages) if s[0] == entity.current_stage_id), 0)
        return record["stage_index"] > current

    def update(self, deal: Any, record: dict[str, Any]) -> None:
        """Descriptive fields through `update_deal`; a later stage, a win, a loss or a reopening
        through the domain actions (at the row's closing date, or now). A won deal is final and
        a deal never moves back a stage: such differences are row errors / kept as they are."""
        if deal.partner_id != record["partner_id"] or deal.deal_kind_id != record["deal_kind_id"]:
            raise FieldError(f"deal {deal.number} exists with another partner or kind; not changed")
        changes = _differs(deal, self._wanted(record))
        if changes:
            deal_service.update_deal(self.session, deal, changes)
        target = record["status"]
        when = record["closed_at"] or self.now
        if deal.status == "lost" and target != "lost":
            deal_service.reopen_deal(self.session, deal.id, now=self.now)
        if deal.status == "won" and target != "won":
            raise FieldError(f"deal {deal.number} is won, which is final; not changed to {target}")
        if deal.status == "in_progress" and record["stage_index"] is not None:
            stages = self.refs.stages(deal.deal_kind_id)
            current = next((i for i, s in enumerate(stages) if s[0] == deal.current_stage_id), 0)
            if record["stage_index"] > current:
                deal_service.advance_deal(
                    self.session, deal.id, stages[record["stage_index"]][0], now=self.now
                )
        if deal.status == "in_progress" and target == "won":
            deal_service.win_deal(self.session, deal.id, now=when)
        elif deal.status == "in_progress" and target == "lost":
            deal_service.lose_deal(
                self.session, deal.id, record["loss_reason_id"], record["loss_comment"], now=when
            )


# -- claims --------------------------------------------------------------------------------------


class ClaimImporter(EntityImporter):
    """Претензии by number. `reason` with `parent_column` builds a two-level reason hierarchy
    (group → reason). A resolved claim needs a result and a resolution time (default: the
    registration time)."""

    FIELDS: ClassVar[dict[str, str]] = {
        "number": "text:30",
        "partner": "ref",
        "reason": "ref",
        "source": "choice:claim_source",
        "status": "choice:claim_status",
        "result": "choice:claim_result",
        "registered_at": "datetime",
        "resolved_at": "datetime",
        "claimed_amount": "amount",
        "description": "text",
        "resolution_comment": "text",
        "responsible": "ref",
    }
    KEY_FIELDS = ("number", "partner")
    MODEL = Claim

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: list[FieldError] = []
        partner_id = self.ref(
            errors, lambda: self.refs.partner(self.spec("partner"), values.get("partner"))
        )
        reason_id = self.ref(
            errors,
            lambda: self.refs.claim_reason(
                self.spec("reason"), values.get("reason"), values.get("reason__parent")
            ),
        )
        responsible_id = self.ref(
            errors, lambda: self.refs.user(self.spec("responsible"), values.get("responsible"))
        )
        if partner_id is None and values.get("partner") is None and "partner" not in self.failed:
            errors.append(FieldError("partner is required", self.spec("partner").source_label))
        status = values.get("status") or "registered"
        result = values.get("result")
        registered = values.get("registered_at") or self.now
        resolved = values.get("resolved_at")
        if status == "resolved":
            if result is None:
                errors.append(
                    FieldError("a resolved claim needs a result", self.spec("result").source_label)
                )
            resolved = max(resolved or registered, registered)
        else:
            result, resolved = None, None
        if errors:
            raise RowFailed(errors)
        return {
            "number": values["number"],
            "partner_id": partner_id,
            "claim_reason_id": reason_id,
            "source": values.get("source") or "claims_list",
            "status": status,
            "result": result,
            "registered_at": registered,
            "resolved_at": resolved,
            "claimed_amount": values.get("claimed_amount") or Decimal("0.00"),
            "description": values.get("description"),
            "resolution_comment": values.get("resolution_comment"),
            "responsible_id": responsible_id,
        }

    def key(self, record: dict[str, Any]) -> Any:
        return record["number"]

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        rows = self.session.execute(select(Claim.number, Claim.id).where(Claim.number.in_(keys)))
        return dict(rows.tuples().all())

    def insert(self, records: list[dict[str, Any]]) -> None:
        rows = [
            record
            | {
                "created_at": record["registered_at"],
                "updated_at": record["resolved_at"] or record["registered_at"],
                "version": 1,
            }
            for record in records
        ]
        self.session.execute(insert(Claim.__table__), rows)

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        return bool(_differs(entity, record))

    def update(self, entity: Any, record: dict[str, Any]) -> None:
        for name, value in _differs(entity, record).items():
            setattr(entity, name, value)


# -- interactions --------------------------------------------------------------------------------


class InteractionImporter(EntityImporter):
    """Взаимодействия keyed by (partner, planned_at, summary). The subject is a deal number,
    a claim number or a marketing event name, and must belong to the same partner. A done
    interaction without a done time is taken as done when planned."""

    FIELDS: ClassVar[dict[str, str]] = {
        "kind": "choice:interaction_kind",
        "direction": "choice:direction",
        "partner": "ref",
        "contact": "ref",
        "topic": "ref",
        "deal": "ref",
        "claim": "ref",
        "marketing_event": "ref",
        "summary": "text:300",
        "description": "text",
        "planned_at": "datetime",
        "done_at": "datetime",
        "status": "choice:interaction_status",
        "is_reviewed": "bool",
        "responsible": "ref",
    }
    KEY_FIELDS = ("kind", "partner", "summary", "planned_at")
    MODEL = Interaction

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: list[FieldError] = []
        partner_id = self.ref(
            errors, lambda: self.refs.partner(self.spec("partner"), values.get("partner"))
        )
        topic_id = self.ref(
            errors, lambda: self.refs.topic(self.spec("topic"), values.get("topic"))
        )
        responsible_id = self.ref(
            errors, lambda: self.refs.user(self.spec("responsible"), values.get("responsible"))
        )
        contact_id = None
        if partner_id is not None:
            contact_id = self.ref(
                errors,
                lambda: self.refs.contact(self.spec("contact"), values.get("contact"), partner_id),
            )
        subject_type, deal_id, claim_id, event_id = None, None, None, None
        if values.get("deal") is not None:
            deal_id = self._subject(errors, "deal", values, partner_id, self.refs.deal_by_number)
            subject_type = "deal" if deal_id is not None else None
        elif values.get("claim") is not None:
            claim_id = self._subject(errors, "claim", values, partner_id, self.refs.claim_by_number)
            subject_type = "claim" if claim_id is not None else None
        elif values.get("marketing_event") is not None:
            event_id = self.ref(
                errors,
                lambda: self.refs.marketing_event(
                    self.spec("marketing_event"), values["marketing_event"]
                ),
            )
            subject_type = "marketing_event" if event_id is not None else None
        status = values.get("status") or "planned"
        planned = values.get("planned_at")
        done_at = values.get("done_at")
        if status == "done":
            done_at = done_at or planned
        else:
            done_at = None
        if errors:
            raise RowFailed(errors)
        return {
            "kind": values["kind"],
            "direction": values.get("direction") or "outbound",
            "partner_id": partner_id,
            "contact_person_id": contact_id,
            "interaction_topic_id": topic_id,
            "subject_type": subject_type,
            "deal_id": deal_id,
            "claim_id": claim_id,
            "marketing_event_id": event_id,
            "summary": values["summary"],
            "description": values.get("description"),
            "planned_at": planned,
            "done_at": done_at,
            "status": status,
            "is_reviewed": bool(values.get("is_reviewed")),
            "responsible_id": responsible_id,
        }

    def _subject(
        self,
        errors: list[FieldError],
        name: str,
        values: dict[str, Any],
        partner_id: int | None,
        by_number: Callable[[Any, Any], tuple[int, int] | None],
    ) -> int | None:
        """The id of the deal or claim the row names by number; an error when it is another
        partner's."""
        found = self.ref(errors, lambda: by_number(self.spec(name), values[name]))
        if found is None:
            return None
        if partner_id is not None and found[1] != partner_id:
            errors.append(
                FieldError(
                    f"{name} {values[name]} belongs to another partner",
                    self.spec(name).source_label,
                    values[name],
                )
            )
        return found[0]

    def key(self, record: dict[str, Any]) -> Any:
        return (record["partner_id"], record["planned_at"], record["summary"])

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        partners = {key[0] for key in keys}
        found: dict[Any, int] = {}
        if not partners:
            return found
        rows = self.session.execute(
            select(
                Interaction.partner_id, Interaction.planned_at, Interaction.summary, Interaction.id
            ).where(Interaction.partner_id.in_(partners), Interaction.deleted_at.is_(None))
        )
        wanted = set(keys)
        for partner_id, planned, summary, identifier in rows:
            key = (partner_id, planned, summary)
            if key in wanted:
                found.setdefault(key, identifier)
        return found

    def insert(self, records: list[dict[str, Any]]) -> None:
        rows = [
            record
            | {
                "created_at": min(record["planned_at"], self.now),
                "updated_at": record["done_at"] or min(record["planned_at"], self.now),
                "version": 1,
            }
            for record in records
        ]
        self.session.execute(insert(Interaction.__table__), rows)

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        return bool(_differs(entity, record))

    def update(self, entity: Any, record: dict[str, Any]) -> None:
        for name, value in _differs(entity, record).items():
            setattr(entity, name, value)


# -- users ---------------------------------------------------------------------------------------


class UserImporter(EntityImporter):
    """Пользователи (managers, operators) by full name, the way deals, partners and claims
    refer to them. `login` defaults to a transliteration of the name (made unique); imported
    users cannot sign in until an administrator sets a password. A re-run updates role, email,
    activity, department and supervisor when the file gives them; the login is never changed
    (it is how people sign in). The same person on several rows (a team lead on each row of a
    team file) is one user.

    The sales structure, as 1C keeps it on Подразделения: `regional_office` names a top-level
    department marked as a regional office; `department` names the user's department (a team),
    placed under that office; `supervisor` names the user's Руководитель, who heads
    `department` and, if they have no department yet, works in it. Departments and supervisors
    are created when the field says `on_unknown: create` (a dry run reports "would create").
    Option `office_business_region: link` links each office to the business region of the same
    name when there is one; `create` also creates the missing regions."""

    FIELDS: ClassVar[dict[str, str]] = {
        "full_name": "text:200",
        "login": "text:100",
        "role": "choice:user_role",
        "email": "text:200",
        "is_active": "bool",
        "regional_office": "text:200",
        "department": "text:200",
        "supervisor": "text:200",
    }
    KEY_FIELDS = ("full_name",)
    MODEL = User
    REPEATS_ALLOWED = True
    REGION_MODES = ("link", "create")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mode = self.mapping.options.get("office_business_region")
        if mode not in (None, False, *self.REGION_MODES):
            raise MappingError(
                f"options.office_business_region must be one of {', '.join(self.REGION_MODES)}"
            )
        self.region_mode = mode or None

    def _office_region(self, name: str) -> int | None:
        if self.region_mode is None:
            return None
        office = self.spec("regional_office")
        spec = FieldSpec(
            name="regional_office",
            column=office.column,
            template=office.template,
            on_unknown="create" if self.region_mode == "create" else "error",
        )
        try:
            return self.refs.business_region(spec, name)
        except FieldError:
            if self.region_mode == "link":
                return None
            raise

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: list[FieldError] = []
        refs = self.refs
        office_id = supervisor_id = None
        office = values.get("regional_office")
        if office is not None:
            office_id = self.ref(
                errors,
                lambda: refs.department(
                    self.spec("regional_office"),
                    office,
                    business_region_id=self._office_region(office),
                    is_regional_office=True,
                ),
            )
        supervisor = values.get("supervisor")
        full_name = values.get("full_name") or ""
        if supervisor is not None and _fold(supervisor) != _fold(full_name):
            supervisor_id = self.ref(errors, lambda: refs.user(self.spec("supervisor"), supervisor))
        department_id = office_id
        if values.get("department") is not None:
            department_id = self.ref(
                errors,
                lambda: refs.department(
                    self.spec("department"),
                    values["department"],
                    parent_id=office_id,
                    head_user_id=supervisor_id,
                ),
            )
            if department_id is not None and supervisor_id is not None:
                refs.place_user(supervisor_id, department_id)
        if errors:
            raise RowFailed(errors)
        return {
            "full_name": values["full_name"],
            "login": values.get("login"),
            "role": values.get("role"),
            "email": values.get("email"),
            "is_active": values.get("is_active"),
            "department_id": department_id,
            "supervisor_id": supervisor_id,
        }

    def key(self, record: dict[str, Any]) -> Any:
        return record["full_name"]

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        rows = self.session.execute(
            select(User.full_name, User.id)
            .where(
                User.full_name.in_(keys),
                User.deleted_at.is_(None),
                User.role != CUSTOMER_ROLE,  # portal users are not imported staff
            )
            .order_by(User.id)
        )
        found: dict[Any, int] = {}
        for name, identifier in rows:
            found.setdefault(name, identifier)
        return found

    def insert(self, records: list[dict[str, Any]]) -> None:
        rows = []
        for record in records:
            login = self.refs.new_login(record["login"] or record["full_name"])
            rows.append(
                {
                    "full_name": record["full_name"],
                    "login": login,
                    "role": record["role"] or "manager",
                    "email": record["email"],
                    "is_active": True if record["is_active"] is None else record["is_active"],
                    "department_id": record["department_id"],
                    "supervisor_id": record["supervisor_id"],
                    "must_change_password": False,
                    "created_at": self.now,
                    "updated_at": self.now,
                    "version": 1,
                }
            )
        ids = _insert_returning_ids(self.session, User, rows, "login")
        # A later chunk may name these people as supervisors: the lookup must know them.
        for row, identifier in zip(rows, ids, strict=True):
            self.refs.remember_user(row["full_name"], identifier)

    def _wanted(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            name: record[name]
            for name in ("role", "email", "is_active", "department_id", "supervisor_id")
            if record[name] is not None
        }

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        return bool(_differs(entity, self._wanted(record)))

    def update(self, entity: Any, record: dict[str, Any]) -> None:
        for name, value in _differs(entity, self._wanted(record)).items():
            setattr(entity, name, value)


# -- sales plans ---------------------------------------------------------------------------------


class SalesPlanImporter(EntityImporter):
    """Планы продаж (issue 26): one plan per month, manager, business region and deal kind (the
    key; any day of `period_month` names its month). Re-importing a cell updates its amount and
    number of won deals, and restores the plan if it was deleted. The manager, region and deal
    kind must exist unless the mapping creates them (`create_missing`)."""

    FIELDS: ClassVar[dict[str, str]] = {
        "period_month": "date",
        "manager": "ref",
        "business_region": "ref",
        "deal_kind": "ref",
        "planned_amount": "amount",
        "planned_won_deals": "count",
    }
    KEY_FIELDS = ("period_month", "manager", "business_region", "deal_kind")
    MODEL = SalesPlan
    GRAIN = ("period_month", "manager_id", "business_region_id", "deal_kind_id")

    def prepare(self, values: dict[str, Any]) -> dict[str, Any]:
        errors: list[FieldError] = []
        manager_id = self.ref(
            errors, lambda: self.refs.user(self.spec("manager"), values.get("manager"))
        )
        region_id = self.ref(
            errors,
            lambda: self.refs.business_region(
                self.spec("business_region"), values.get("business_region")
            ),
        )
        kind_id = self.ref(
            errors, lambda: self.refs.deal_kind(self.spec("deal_kind"), values.get("deal_kind"))
        )
        for name, resolved in (
            ("period_month", values.get("period_month")),
            ("manager", manager_id),
            ("business_region", region_id),
            ("deal_kind", kind_id),
        ):
            if resolved is None and values.get(name) is None and name not in self.failed:
                errors.append(FieldError(f"{name} is required", self.spec(name).source_label))
        if errors:
            raise RowFailed(errors)
        record = {
            "period_month": values["period_month"].replace(day=1),
            "manager_id": manager_id,
            "business_region_id": region_id,
            "deal_kind_id": kind_id,
        }
        # A figure the sheet does not give (1C's layout plans amounts, or counts, per row) leaves
        # an existing plan's figure as it is; a new plan gets 0 (see insert).
        for name in ("planned_amount", "planned_won_deals"):
            if values.get(name) is not None:
                record[name] = values[name]
        return record

    def key(self, record: dict[str, Any]) -> Any:
        return tuple(record[name] for name in self.GRAIN)

    def existing(self, keys: list[Any]) -> dict[Any, int]:
        months = sorted({key[0] for key in keys})
        if not months:
            return {}
        wanted = set(keys)
        rows = self.session.execute(
            select(
                SalesPlan.period_month,
                SalesPlan.manager_id,
                SalesPlan.business_region_id,
                SalesPlan.deal_kind_id,
                SalesPlan.id,
            ).where(SalesPlan.period_month.in_(months))
        )
        found = {tuple(row[:4]): row[4] for row in rows.tuples()}
        return {key: identifier for key, identifier in found.items() if key in wanted}

    def insert(self, records: list[dict[str, Any]]) -> None:
        rows = [
            {"planned_amount": Decimal("0.00"), "planned_won_deals": 0}
            | record
            | {"created_at": self.now, "updated_at": self.now, "version": 1}
            for record in records
        ]
        self.session.execute(insert(SalesPlan.__table__), rows)

    def differs(self, entity: Any, record: dict[str, Any]) -> bool:
        return entity.deleted_at is not None or bool(_differs(entity, record))

    def update(self, entity: Any, record: dict[str, Any]) -> None:
        entity.deleted_at = None
        for name, value in _differs(entity, record).items():
            setattr(entity, name, value)


ENTITIES: dict[str, type[EntityImporter]] = {
    "users": UserImporter,
    "partners": PartnerImporter,
    "deals": DealImporter,
    "interactions": InteractionImporter,
    "claims": ClaimImporter,
    "sales_plans": SalesPlanImporter,
}
