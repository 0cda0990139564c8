"""SQLAlchemy models of the OLTP database (DESIGN.md §4).

These tables are the contract with the pipeline: `ingestion` copies each of them 1:1 into the
warehouse schema `raw_oltp`. Every editable table carries `id`, `created_at`, `updated_at`
(UTC), `version` (optimistic locking) and `deleted_at` (soft delete, so the pipeline sees it).
Enumerations are plain strings with CHECK constraints so SQLite and PostgreSQL behave alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PARTNER_KINDS = ("customer", "supplier", "other")
LEGAL_FORMS = ("legal_entity", "individual_entrepreneur", "person")
USER_ROLES = ("operator", "manager", "administrator")
DEAL_STATUSES = ("in_progress", "won", "lost")

Money = Numeric(15, 2)


def utc_now() -> dt.datetime:
    """Naive UTC timestamp: SQLite has no time zones, so every stored time is UTC by rule."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(value) for value in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TrackedMixin:
    """Columns every editable table has: identity, audit times, optimistic lock, soft delete."""

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utc_now, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utc_now, onupdate=utc_now, nullable=False, index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:
        # SQLAlchemy bumps `version` on every UPDATE and raises StaleDataError on a lost race.
        return {"version_id_col": cls.version}


class Organization(TrackedMixin, Base):
    """Our own legal entities (Организации): sellers on orders and GIS identities."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    inn: Mapped[str] = mapped_column(String(12), nullable=False, unique=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    fsrar_id: Mapped[str | None] = mapped_column(String(12))


class BusinessRegion(TrackedMixin, Base):
    """Бизнес-регионы: the territorial split of sales."""

    __tablename__ = "business_regions"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    code: Mapped[str | None] = mapped_column(String(20))


class User(TrackedMixin, Base):
    """Managers and operators who own partners, deals and interactions."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)

    login: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="manager")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Partner(TrackedMixin, Base):
    """Партнёры: the management view of a customer or supplier."""

    __tablename__ = "partners"
    __table_args__ = (CheckConstraint(_in("kind", PARTNER_KINDS), name="kind"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="customer")
    business_region_id: Mapped[int | None] = mapped_column(ForeignKey("business_regions.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)


class Counterparty(TrackedMixin, Base):
    """Контрагенты: the regulated (legal) view of a partner, with ИНН/КПП."""

    __tablename__ = "counterparties"
    __table_args__ = (
        CheckConstraint(_in("legal_form", LEGAL_FORMS), name="legal_form"),
        UniqueConstraint("inn", "kpp", name="uq_counterparties_inn_kpp"),
    )

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    legal_form: Mapped[str] = mapped_column(String(30), nullable=False)
    inn: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    legal_name: Mapped[str] = mapped_column(String(300), nullable=False)
    legal_address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(50))


class ContactPerson(TrackedMixin, Base):
    """Контактные лица партнёров."""

    __tablename__ = "contact_persons"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(200))


class DealKind(TrackedMixin, Base):
    """Виды сделок: a typical sale goes through ordered stages; a non-process deal has none."""

    __tablename__ = "deal_kinds"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    has_stages: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class SalesStage(TrackedMixin, Base):
    """Этапы продаж, ordered by `sequence` within a deal kind."""

    __tablename__ = "sales_stages"
    __table_args__ = (
        UniqueConstraint("deal_kind_id", "sequence", name="uq_sales_stages_kind_sequence"),
        CheckConstraint("sequence > 0", name="sequence_positive"),
    )

    deal_kind_id: Mapped[int] = mapped_column(ForeignKey("deal_kinds.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)


class LossReason(TrackedMixin, Base):
    """Причины проигрыша сделок."""

    __tablename__ = "loss_reasons"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)


class Deal(TrackedMixin, Base):
    """Сделки с клиентами. Stage changes go through `domain.deals`, which writes the history."""

    __tablename__ = "deals"
    __table_args__ = (
        CheckConstraint(_in("status", DEAL_STATUSES), name="status"),
        CheckConstraint("probability between 0 and 100", name="probability_range"),
        CheckConstraint("potential_amount >= 0", name="potential_amount_non_negative"),
        CheckConstraint(
            "status <> 'lost' or loss_reason_id is not null", name="lost_requires_reason"
        ),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    deal_kind_id: Mapped[int] = mapped_column(ForeignKey("deal_kinds.id"), nullable=False)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="in_progress")
    current_stage_id: Mapped[int | None] = mapped_column(ForeignKey("sales_stages.id"))
    potential_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    probability: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    planned_close_date: Mapped[dt.date | None] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    loss_reason_id: Mapped[int | None] = mapped_column(ForeignKey("loss_reasons.id"))
    loss_comment: Mapped[str | None] = mapped_column(Text)


class DealStageHistory(TrackedMixin, Base):
    """One row each time a deal enters a stage (or is carried past it: `was_skipped`).

    The history is what makes a true funnel possible: time in stage and drop-off per stage.
    """

    __tablename__ = "deal_stage_history"

    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), nullable=False, index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("sales_stages.id"), nullable=False)
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    left_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    was_skipped: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
