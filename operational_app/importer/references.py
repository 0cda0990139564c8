"""Looking up (and, where the mapping allows, creating) the records an imported row refers to.

Each kind of reference is loaded once per import into a dictionary; names match exactly first,
then ignoring case and repeated spaces. Unknown values follow the field's `on_unknown`.
Classifiers are created through operational_app.domain.classifiers (the admin pages' rules);
a refusal there is a row error, never a half-written classifier.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from operational_app.db.models import (
    CUSTOMER_ROLE,
    BusinessRegion,
    Claim,
    ClaimReason,
    ContactPerson,
    ContactRole,
    Deal,
    DealKind,
    Department,
    InteractionTopic,
    LossReason,
    MarketingEvent,
    Partner,
    PartnerRole,
    SalesStage,
    User,
)
from operational_app.domain import classifiers
from operational_app.domain.errors import DomainError
from operational_app.importer.mapping import FieldError, FieldSpec, suggest
from operational_app.seed.reference import translit


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


class Catalog:
    """name → id for one kind of record, with exact and folded lookups."""

    def __init__(self, label: str, pairs: list[tuple[str, int]]) -> None:
        self.label = label
        self.exact: dict[str, int] = {}
        self.folded: dict[str, int] = {}
        for name, identifier in pairs:
            self.add(name, identifier)

    def add(self, name: str, identifier: int) -> None:
        self.exact.setdefault(name, identifier)
        self.folded.setdefault(_fold(name), identifier)

    def find(self, name: str) -> int | None:
        found = self.exact.get(name)
        return found if found is not None else self.folded.get(_fold(name))

    def names(self) -> list[str]:
        return list(self.exact)


class References:
    """Caches of every classifier and entity an import may refer to, for one session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: Counter[str] = Counter()
        self.created_names: dict[str, list[str]] = {}
        self._kind_stages: dict[str, tuple[str, ...]] = {}
        self._catalogs: dict[str, Catalog] = {}
        self._stages: dict[int, list[tuple[int, str, int]]] | None = None
        self._kinds: dict[int, bool] = {}
        self._logins: set[str] | None = None
        self._placed: dict[int, tuple[Any, ...]] = {}  # department id -> what the file set
        self._customers: set[int] | None = None

    # -- generic --------------------------------------------------------------------------------

    def _catalog(self, key: str, loader: Callable[[], list[tuple[str, int]]]) -> Catalog:
        if key not in self._catalogs:
            self._catalogs[key] = Catalog(key, loader())
        return self._catalogs[key]

    def _live_names(self, model: Any, column: Any = None) -> list[tuple[str, int]]:
        column = column if column is not None else model.name
        rows = self.session.execute(
            select(column, model.id).where(model.deleted_at.is_(None)).order_by(model.id)
        )
        return [(name, identifier) for name, identifier in rows]

    def resolve(
        self,
        spec: FieldSpec,
        value: Any,
        catalog: Catalog,
        create: Callable[[str], int] | None,
        label: str,
    ) -> int | None:
        if value is None:
            return None
        name = str(value).strip()
        found = catalog.find(name)
        if found is not None:
            return found
        if spec.on_unknown == "create" and create is not None:
            identifier = create(name)
            catalog.add(name, identifier)
            self._count(label, name)
            return identifier
        if spec.on_unknown == "default" and spec.default is not None and spec.default != name:
            return self.resolve(spec, spec.default, catalog, create, label)
        raise FieldError(
            f"unknown {label} {name!r}{suggest(name, catalog.names())}", spec.source_label, name
        )

    def _count(self, label: str, name: str) -> None:
        self.created[label] += 1
        stages = self._kind_stages.get(name) if label == "deal kind" else None
        shown = f"{name!r} (stages: {' → '.join(stages)})" if stages else name
        self.created_names.setdefault(label, []).append(shown)

    def _classifier(self, spec: FieldSpec, key: str, values: dict[str, Any]) -> int:
        """Create one classifier entry by the domain's rules, in a savepoint."""
        savepoint = self.session.begin_nested()
        try:
            entry = classifiers.create_entry(self.session, key, values)
        except DomainError as error:
            savepoint.rollback()
            raise FieldError(
                f"cannot create {key[:-1].replace('-', ' ')} {values.get('name')!r}: "
                f"{error.message}",
                spec.source_label,
                values.get("name"),
            ) from None
        savepoint.commit()
        return entry.id

    def _insert(self, entity: Any) -> int:
        self.session.add(entity)
        self.session.flush()
        return entity.id

    # -- concrete references --------------------------------------------------------------------

    def partner(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("partner", lambda: self._live_names(Partner))
        return self.resolve(
            spec, value, catalog, lambda name: self._insert(Partner(name=name[:200])), "partner"
        )

    def partners(self) -> Catalog:
        return self._catalog("partner", lambda: self._live_names(Partner))

    def user(self, spec: FieldSpec, value: Any) -> int | None:
        def load() -> list[tuple[str, int]]:
            # Staff only: a portal user (issue 19) never becomes a manager or responsible.
            staff = [
                (name, identifier)
                for name, identifier in self._live_names(User, User.full_name)
                + self._live_names(User, User.login)
                if identifier not in self._customer_ids()
            ]
            return staff

        return self.resolve(spec, value, self._catalog("user", load), self._create_user, "user")

    def remember_user(self, full_name: str, identifier: int) -> None:
        if "user" in self._catalogs:
            self._catalogs["user"].add(full_name, identifier)

    def _customer_ids(self) -> set[int]:
        if self._customers is None:
            self._customers = set(
                self.session.scalars(select(User.id).where(User.role == CUSTOMER_ROLE))
            )
        return self._customers

    def _create_user(self, full_name: str) -> int:
        login = self.new_login(full_name)
        return self._insert(User(login=login, full_name=full_name[:200], role="manager"))

    def new_login(self, name: str) -> str:
        """A free login from a name or wanted login: transliterated, lower case, made unique."""
        if self._logins is None:
            self._logins = set(self.session.scalars(select(User.login)))
        base = re.sub(r"[^a-z0-9_.@-]+", ".", translit(name).lower()).strip(".") or "user"
        login, serial = base[:90], 1
        while login in self._logins:
            serial += 1
            login = f"{base[:90]}{serial}"
        self._logins.add(login)
        return login

    def business_region(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("business_region", lambda: self._live_names(BusinessRegion))
        return self.resolve(
            spec,
            value,
            catalog,
            lambda name: self._classifier(spec, "business-regions", {"name": name}),
            "business region",
        )

    def department(
        self,
        spec: FieldSpec,
        value: Any,
        *,
        parent_id: int | None = None,
        head_user_id: int | None = None,
        business_region_id: int | None = None,
        is_regional_office: bool = False,
    ) -> int | None:
        """A department (Подразделение) by name, created under `parent_id` when missing and the
        field says `on_unknown: create`. A known one is moved under `parent_id` and given the
        head and business region the file names (the team file is the structure's source);
        a value the file leaves empty keeps what is stored."""
        catalog = self._catalog("department", lambda: self._live_names(Department))
        wanted = {
            "parent_id": parent_id,
            "head_user_id": head_user_id,
            "business_region_id": business_region_id,
        }
        label = "regional office" if is_regional_office else "department"

        def create(name: str) -> int:
            values = {"name": name, "is_regional_office": is_regional_office, **wanted}
            return self._classifier(spec, "departments", values)

        identifier = self.resolve(spec, value, catalog, create, label)
        if identifier is None:
            return None
        placed = (parent_id, head_user_id, business_region_id, is_regional_office)
        if self._placed.get(identifier) != placed:
            self._placed[identifier] = placed
            changes = {name: v for name, v in wanted.items() if v is not None}
            if is_regional_office:
                changes["is_regional_office"] = True
            entry = self.session.get(Department, identifier)
            changes = {k: v for k, v in changes.items() if getattr(entry, k) != v}
            if changes:
                savepoint = self.session.begin_nested()
                try:
                    classifiers.update_entry(self.session, "departments", entry, changes)
                except DomainError as error:
                    savepoint.rollback()
                    raise FieldError(
                        f"cannot place department {entry.name!r}: {error.message}",
                        spec.source_label,
                        entry.name,
                    ) from None
                savepoint.commit()
        return identifier

    def place_user(self, user_id: int, department_id: int) -> None:
        """Put a user who has no department yet (a team lead met as a supervisor) in one."""
        user = self.session.get(User, user_id)
        if user is not None and user.department_id is None:
            user.department_id = department_id
            self.session.flush()

    def partner_role(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("partner_role", lambda: self._live_names(PartnerRole))
        return self.resolve(
            spec,
            value,
            catalog,
            lambda name: self._classifier(spec, "partner-roles", {"name": name}),
            "partner role",
        )

    def contact_role(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("contact_role", lambda: self._live_names(ContactRole))
        return self.resolve(
            spec,
            value,
            catalog,
            lambda name: self._classifier(spec, "contact-roles", {"name": name}),
            "contact role",
        )

    def loss_reason(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("loss_reason", lambda: self._live_names(LossReason))
        return self.resolve(
            spec,
            value,
            catalog,
            lambda name: self._classifier(spec, "loss-reasons", {"name": name}),
            "loss reason",
        )

    def topic(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("topic", lambda: self._live_names(InteractionTopic))
        return self.resolve(
            spec,
            value,
            catalog,
            lambda name: self._classifier(spec, "interaction-topics", {"name": name}),
            "interaction topic",
        )

    def marketing_event(self, spec: FieldSpec, value: Any) -> int | None:
        catalog = self._catalog("marketing_event", lambda: self._live_names(MarketingEvent))
        return self.resolve(spec, value, catalog, None, "marketing event")

    def deal_kind(self, spec: FieldSpec, value: Any) -> int | None:
        if not self._kinds:
            rows = self.session.execute(
                select(DealKind.id, DealKind.has_stages).where(DealKind.deleted_at.is_(None))
            )
            self._kinds = dict(rows.tuples().all())
        catalog = self._catalog("deal_kind", lambda: self._live_names(DealKind))
        # Created only when the mapping says so, with the stages it lists (a sales process is
        # designed, not guessed): `create_missing: true` and `stages: [...]`.
        return self.resolve(spec, value, catalog, lambda n: self._create_kind(spec, n), "deal kind")

    def _create_kind(self, spec: FieldSpec, name: str) -> int:
        savepoint = self.session.begin_nested()
        try:
            kind = classifiers.create_deal_kind(self.session, name, spec.stages)
        except DomainError as error:
            savepoint.rollback()
            raise FieldError(
                f"cannot create deal kind {name!r}: {error.message}", spec.source_label, name
            ) from None
        savepoint.commit()
        self._kind_stages[name] = spec.stages
        self._kinds[kind.id] = kind.has_stages
        if self._stages is not None:
            self._stages[kind.id] = [
                (stage.id, stage.name, stage.sequence)
                for stage in classifiers.live_stages(self.session, kind.id)
            ]
        return kind.id

    def kind_has_stages(self, kind_id: int) -> bool:
        return self._kinds.get(kind_id, False)

    def stages(self, kind_id: int) -> list[tuple[int, str, int]]:
        """(id, name, sequence) of a kind's live stages in process order."""
        if self._stages is None:
            self._stages = {}
            rows = self.session.execute(
                select(SalesStage.deal_kind_id, SalesStage.id, SalesStage.name, SalesStage.sequence)
                .where(SalesStage.deleted_at.is_(None))
                .order_by(SalesStage.deal_kind_id, SalesStage.sequence)
            )
            for kind, identifier, name, sequence in rows:
                self._stages.setdefault(kind, []).append((identifier, name, sequence))
        return self._stages.get(kind_id, [])

    def stage_index(self, spec: FieldSpec, value: Any, kind_id: int) -> int | None:
        """Position of the named stage within the kind's stages."""
        if value is None:
            return None
        stages = self.stages(kind_id)
        catalog = Catalog("stage", [(name, index) for index, (_, name, _) in enumerate(stages)])
        return self.resolve(spec, value, catalog, None, "stage")

    def claim_reason(self, spec: FieldSpec, value: Any, parent: Any) -> int | None:
        """Hierarchical: `parent` (a group name) first, then the reason within it."""
        key = "claim_reason"
        if key not in self._catalogs:
            rows = self.session.execute(
                select(ClaimReason.id, ClaimReason.name, ClaimReason.parent_id).where(
                    ClaimReason.deleted_at.is_(None)
                )
            )
            catalog = Catalog(key, [])
            for identifier, name, parent_id in rows:
                catalog.add(f"{parent_id or 0}\x1f{name}", identifier)
            self._catalogs[key] = catalog
        catalog = self._catalogs[key]
        parent_id = 0
        if parent is not None and str(parent).strip():
            parent_id = self._reason(spec, catalog, 0, str(parent).strip())
        if value is None:
            return parent_id or None
        return self._reason(spec, catalog, parent_id, str(value).strip())

    def _reason(self, spec: FieldSpec, catalog: Catalog, parent_id: int, name: str) -> int:
        found = catalog.find(f"{parent_id}\x1f{name}")
        if found is not None:
            return found
        if spec.on_unknown != "create":
            siblings = [
                known.split("\x1f", 1)[1]
                for known in catalog.names()
                if known.startswith(f"{parent_id}\x1f")
            ]
            raise FieldError(
                f"unknown claim reason {name!r}{suggest(name, siblings)}", spec.source_label, name
            )
        identifier = self._classifier(
            spec, "claim-reasons", {"name": name, "parent_id": parent_id or None}
        )
        catalog.add(f"{parent_id}\x1f{name}", identifier)
        self._count("claim reason", name)
        return identifier

    def contact(self, spec: FieldSpec, value: Any, partner_id: int) -> int | None:
        if value is None:
            return None
        key = "contact"
        if key not in self._catalogs:
            rows = self.session.execute(
                select(ContactPerson.partner_id, ContactPerson.full_name, ContactPerson.id).where(
                    ContactPerson.deleted_at.is_(None)
                )
            )
            self._catalogs[key] = Catalog(key, [(f"{p}\x1f{n}", i) for p, n, i in rows])
        catalog = self._catalogs[key]
        name = str(value).strip()
        found = catalog.find(f"{partner_id}\x1f{name}")
        if found is not None:
            return found
        if spec.on_unknown == "create":
            identifier = self._insert(ContactPerson(partner_id=partner_id, full_name=name[:200]))
            catalog.add(f"{partner_id}\x1f{name}", identifier)
            self._count("contact person", name)
            return identifier
        if spec.on_unknown == "default":
            return None
        raise FieldError(
            f"unknown contact person {name!r} of this partner", spec.source_label, name
        )

    def deal_by_number(self, spec: FieldSpec, value: Any) -> tuple[int, int] | None:
        """(deal id, partner id) of a deal given by number."""
        return self._by_number(spec, value, Deal, "deal")

    def claim_by_number(self, spec: FieldSpec, value: Any) -> tuple[int, int] | None:
        return self._by_number(spec, value, Claim, "claim")

    def _by_number(self, spec: FieldSpec, value: Any, model: Any, label: str) -> Any:
        if value is None:
            return None
        number = str(value).strip()
        row = self.session.execute(
            select(model.id, model.partner_id).where(
                model.number == number, model.deleted_at.is_(None)
            )
        ).first()
        if row is None:
            raise FieldError(f"unknown {label} number {number!r}", spec.source_label, number)
        return row[0], row[1]
