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
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
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
# Operator roles in increasing order of power, then `customer`: a contact person of a partner
# signed in to the customer portal (/portal), who never reaches operator pages or the API v1.
OPERATOR_ROLES = ("operator", "manager", "administrator")
CUSTOMER_ROLE = "customer"
USER_ROLES = (*OPERATOR_ROLES, CUSTOMER_ROLE)
DEAL_STATUSES = ("in_progress", "won", "lost")
# Виды маркетинговых мероприятий (issue 26).
MARKETING_EVENT_KINDS = ("exhibition", "webinar", "seminar", "open_day", "mailing", "other")

Money = Numeric(15, 2)


def utc_now() -> dt.datetime:
    """Naive UTC timestamp: SQLite has no time zones, so every stored time is UTC by rule."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def naive_utc(value: dt.datetime) -> dt.datetime:
    """`value` as it is stored: naive UTC, an offset honoured. A moment with no UTC date in the
    calendar (year 1 at +01:00, year 9999 at -01:00) is a ValueError, not an OverflowError."""
    if value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        raise ValueError("the moment lies outside the calendar in UTC") from None


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
    # Identities in the GIS systems (migration 0006_gis_identities): direction and counterparty
    # of a GIS document follow from them. Lists are comma-separated identifiers.
    additional_fsrar_ids: Mapped[str | None] = mapped_column(Text)  # further УТМ of ЕГАИС
    vetis_business_entity_guid: Mapped[str | None] = mapped_column(String(36))
    vetis_enterprise_guids: Mapped[str | None] = mapped_column(Text)
    gismt_participant_inn: Mapped[str | None] = mapped_column(String(12))
    # Requisites the Счет на оплату prints and its payment QR code carries (migration 0010).
    legal_address: Mapped[str | None] = mapped_column(String(500))
    bank_name: Mapped[str | None] = mapped_column(String(200))
    bank_bik: Mapped[str | None] = mapped_column(String(9))
    settlement_account: Mapped[str | None] = mapped_column(String(20))  # расчётный счёт
    correspondent_account: Mapped[str | None] = mapped_column(String(20))  # корр. счёт банка
    director_name: Mapped[str | None] = mapped_column(String(200))  # Руководитель
    chief_accountant_name: Mapped[str | None] = mapped_column(String(200))  # Главный бухгалтер
    # False for an organization on a special tax regime: its invoices say «Без НДС».
    is_vat_payer: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=text("true")
    )


class BusinessRegion(TrackedMixin, Base):
    """Бизнес-регионы: the territorial split of sales."""

    __tablename__ = "business_regions"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    code: Mapped[str | None] = mapped_column(String(20))


class User(TrackedMixin, Base):
    """Managers and operators who own partners, deals and interactions."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", USER_ROLES), name="role"),
        # A portal user belongs to exactly one partner; an operator to none.
        CheckConstraint(
            "(role = 'customer' and partner_id is not null)"
            " or (role <> 'customer' and partner_id is null)",
            name="customer_has_partner",
        ),
    )

    login: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="manager")
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # argon2id hash, or an older scrypt one until the next sign-in rehashes it (see
    # operational_app.auth); NULL means the user cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Set on seeded demo users and on passwords an administrator hands out: the next sign-in
    # leads to the password change page before anything else (outside demo mode).
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    # Portal users only (role `customer`, migration 0008): whose records they see, and which
    # contact person of that partner they are.
    # use_alter: partners and contact persons point back at users (their managers), so the
    # tables are created first and these constraints added after.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", use_alter=True), index=True
    )
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", use_alter=True)
    )
    # Подразделение and Руководитель (migration 0009): the sales team a user works in and
    # their team lead. use_alter: departments point back at users (their heads).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", use_alter=True), index=True
    )
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class Department(TrackedMixin, Base):
    """Подразделения: hierarchical (a regional office, its teams), each with a head
    (Руководитель); a user's department places them in the sales structure."""

    __tablename__ = "departments"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    head_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    business_region_id: Mapped[int | None] = mapped_column(ForeignKey("business_regions.id"))
    # A top-level sales office (the regional office of a team file), as opposed to a team.
    is_regional_office: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )


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
    contact_role_id: Mapped[int | None] = mapped_column(ForeignKey("contact_roles.id"))
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
        # The deal list (live deals, newest first): a page and the total are read off this
        # index of live deals alone, neither sorted nor checked row by row (migration 0004).
        Index(
            "ix_deals_live_created_at_id",
            "created_at",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
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
    # The marketing event the deal came from (migration 0011, issue 26).
    marketing_event_id: Mapped[int | None] = mapped_column(ForeignKey("marketing_events.id"))


class SalesPlan(TrackedMixin, Base):
    """Планы продаж: the amount and number of won deals a manager plans for a month, in one
    business region and deal kind (migration 0011). `period_month` is the month's first day."""

    __tablename__ = "sales_plans"
    __table_args__ = (
        UniqueConstraint(
            "period_month",
            "manager_id",
            "business_region_id",
            "deal_kind_id",
            name="uq_sales_plans_grain",
        ),
        CheckConstraint("planned_amount >= 0", name="planned_amount_non_negative"),
        CheckConstraint("planned_won_deals >= 0", name="planned_won_deals_non_negative"),
    )

    period_month: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    business_region_id: Mapped[int] = mapped_column(
        ForeignKey("business_regions.id"), nullable=False
    )
    deal_kind_id: Mapped[int] = mapped_column(ForeignKey("deal_kinds.id"), nullable=False)
    planned_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    planned_won_deals: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


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


# --- Issue 3: the whole entry model -------------------------------------------------------------

INTERACTION_KINDS = ("meeting", "call", "sms", "email")
DIRECTIONS = ("inbound", "outbound")
INTERACTION_STATUSES = ("planned", "done", "cancelled")
INTERACTION_SUBJECTS = ("deal", "claim", "marketing_event")
AGREEMENT_KINDS = ("typical", "individual")
PRICE_TYPES = ("wholesale", "retail", "dealer", "distributor")
SETTLEMENT_CONTROLS = ("by_agreement", "by_contract")
OFFER_STATUSES = ("draft", "sent", "accepted", "rejected", "expired")
ORDER_STATUSES = (
    "draft",
    "on_approval",
    "approved",
    "to_ship",
    "shipped",
    "closed",
    "cancelled",
)
PAYMENT_KINDS = ("prepayment", "credit")
CLAIM_SOURCES = ("claims_list", "partner_card", "discrepancy_act", "portal")
RETURN_SOURCES = ("operator", "portal")
# Заявка на возврат товаров от клиента: registered → approved | rejected; approved → received.
RETURN_STATUSES = ("registered", "approved", "rejected", "received", "cancelled")
ATTACHMENT_OWNERS = ("claim", "return_request")
CONTACT_CHANGE_ENTITIES = ("contact_person", "delivery_address")
CONTACT_CHANGE_ACTIONS = ("created", "updated", "deleted")
CLAIM_STATUSES = ("registered", "in_work", "resolved")
CLAIM_RESULTS = ("satisfied", "not_satisfied")
TASK_STATUSES = ("open", "done")
GIS_SYSTEMS = ("egais", "vetis", "gismt")
# VAT schedules a product follows (issue 25): general 20% → 22% from 2026, reduced 10%, exempt.
VAT_KINDS = ("general", "reduced", "exempt")
NET_UNITS = ("g", "ml")

Quantity = Numeric(15, 3)
Percent = Numeric(5, 2)


class PartnerRole(TrackedMixin, Base):
    """Роли партнёров (клиент, поставщик, конкурент, …): a classifier."""

    __tablename__ = "partner_roles"

    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)


class PartnerRoleLink(TrackedMixin, Base):
    """Which roles a partner plays; a partner may be a customer and a supplier at once."""

    __tablename__ = "partner_role_links"
    __table_args__ = (
        UniqueConstraint("partner_id", "partner_role_id", name="uq_partner_role_links_pair"),
    )

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    partner_role_id: Mapped[int] = mapped_column(ForeignKey("partner_roles.id"), nullable=False)


class ContactRole(TrackedMixin, Base):
    """Роли контактных лиц (директор, главный бухгалтер, …): a classifier."""

    __tablename__ = "contact_roles"

    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)


class ClaimReason(TrackedMixin, Base):
    """Причины претензий, hierarchical: a reason may have a parent group."""

    __tablename__ = "claim_reasons"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("claim_reasons.id"))


class InteractionTopic(TrackedMixin, Base):
    """Темы взаимодействий: a classifier."""

    __tablename__ = "interaction_topics"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)


class MarketingEvent(TrackedMixin, Base):
    """Маркетинговые мероприятия: one of the things an interaction can be about."""

    __tablename__ = "marketing_events"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint(_in("kind", MARKETING_EVENT_KINDS), name="kind"),
        CheckConstraint("cost >= 0", name="cost_non_negative"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # Вид мероприятия and what it cost (migration 0011, issue 26: cost per won deal).
    kind: Mapped[str | None] = mapped_column(String(30))
    cost: Mapped[Decimal] = mapped_column(
        Money, nullable=False, default=Decimal(0), server_default=text("0")
    )


class Product(TrackedMixin, Base):
    """Номенклатура. `gis_system` says which government system tracks the goods, if any."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("base_price >= 0", name="base_price_non_negative"),
        CheckConstraint("cost_price >= 0", name="cost_price_non_negative"),
        CheckConstraint(f"gis_system is null or {_in('gis_system', GIS_SYSTEMS)}", name="gis"),
        CheckConstraint(_in("vat_kind", VAT_KINDS), name="vat_kind"),
        CheckConstraint(f"net_unit is null or {_in('net_unit', NET_UNITS)}", name="net_unit"),
        CheckConstraint("net_quantity is null or net_quantity > 0", name="net_quantity_positive"),
    )

    sku: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False, default="шт")
    base_price: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    cost_price: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    gis_system: Mapped[str | None] = mapped_column(String(10))
    # Which VAT schedule applies (operational_app.domain.vat): the rate itself depends on the
    # date; `exempt` goods are sold «Без НДС» (migration 0010).
    vat_kind: Mapped[str] = mapped_column(
        String(20), nullable=False, default="general", server_default="general"
    )
    # Штрихкод (EAN-13/GTIN): how a cash receipt's line finds its product (migration 0013).
    barcode: Mapped[str | None] = mapped_column(String(14), unique=True)
    # Масса (объём) нетто of packaged goods, grams (`g`) or millilitres (`ml`): the price tag's
    # unit price is computed from it (migration 0016).
    net_quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    net_unit: Mapped[str | None] = mapped_column(String(2))


class Warehouse(TrackedMixin, Base):
    """Склады."""

    __tablename__ = "warehouses"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    business_region_id: Mapped[int | None] = mapped_column(ForeignKey("business_regions.id"))


class Store(TrackedMixin, Base):
    """Магазины (розничные точки): each sells from one warehouse on behalf of one organization."""

    __tablename__ = "stores"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    address: Mapped[str | None] = mapped_column(String(300))
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), nullable=False, index=True
    )
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("warehouses.id"), nullable=False, index=True
    )


class CashRegister(TrackedMixin, Base):
    """Кассы ККТ: a registered cash register of a store; its receipts come through its ОФД.

    Receipts name the register by its ФНС registration number (kktRegId, tag 1037), which is
    how the pipeline ties them to a store; the fiscal drive (tag 1041) is replaced every year
    or so, hence only the current one is kept here.
    """

    __tablename__ = "cash_registers"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), nullable=False, index=True)
    registration_number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    fiscal_drive_number: Mapped[str | None] = mapped_column(String(16))
    ofd_name: Mapped[str | None] = mapped_column(String(200))
    ofd_inn: Mapped[str | None] = mapped_column(String(12))


LOYALTY_KINDS = ("discount", "bonus")


class LoyaltyProgramme(TrackedMixin, Base):
    """Программы лояльности: a discount (a percent off every receipt) or a bonus programme.

    A bonus programme accrues `accrual_percent` of a card receipt's goods paid in money as
    points, lets points pay at most `max_redemption_percent` of a receipt, values a point at
    `point_value` rubles, and burns a card's points after `points_validity_days` without a
    purchase (no limit when empty).
    """

    __tablename__ = "loyalty_programmes"
    __table_args__ = (
        CheckConstraint(_in("kind", LOYALTY_KINDS), name="kind"),
        CheckConstraint(
            "discount_percent >= 0 and discount_percent <= 100", name="discount_percent"
        ),
        CheckConstraint("accrual_percent >= 0 and accrual_percent <= 100", name="accrual_percent"),
        CheckConstraint(
            "max_redemption_percent >= 0 and max_redemption_percent <= 100",
            name="max_redemption_percent",
        ),
        CheckConstraint("point_value > 0", name="point_value"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    discount_percent: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), nullable=False, default=Decimal(0)
    )
    accrual_percent: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), nullable=False, default=Decimal(0)
    )
    max_redemption_percent: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), nullable=False, default=Decimal(0)
    )
    point_value: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal(1))
    points_validity_days: Mapped[int | None] = mapped_column(Integer)


class DiscountCard(TrackedMixin, Base):
    """Дисконтные карты: the number a receipt shows, the programme, and whose card it is
    (a partner or a contact person, or nobody for an anonymous card)."""

    __tablename__ = "discount_cards"
    __table_args__ = (
        CheckConstraint("partner_id is null or contact_person_id is null", name="one_holder"),
    )

    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("loyalty_programmes.id"), nullable=False, index=True
    )
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id"), index=True
    )
    issued_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    blocked_on: Mapped[dt.date | None] = mapped_column(Date)


class LoyaltyPointAdjustment(TrackedMixin, Base):
    """Ручные корректировки баллов: points added (positive) or written off (negative) by hand;
    the rest of the points ledger (accrual, redemption, expiry) comes from the receipts."""

    __tablename__ = "loyalty_point_adjustments"
    __table_args__ = (CheckConstraint("points <> 0", name="points_non_zero"),)

    card_id: Mapped[int] = mapped_column(
        ForeignKey("discount_cards.id"), nullable=False, index=True
    )
    adjusted_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    points: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    reason: Mapped[str] = mapped_column(String(300), nullable=False)


GIFT_CERTIFICATE_SERIES_KINDS = ("fixed", "open")


class GiftCertificateSeries(TrackedMixin, Base):
    """Серии подарочных сертификатов: a fixed nominal for every certificate of the series, or
    an open one (each certificate states its own), and how many days a certificate stays
    valid after its sale."""

    __tablename__ = "gift_certificate_series"
    __table_args__ = (
        CheckConstraint(_in("kind", GIFT_CERTIFICATE_SERIES_KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'fixed' and nominal > 0) or (kind = 'open' and nominal is null)",
            name="nominal",
        ),
        CheckConstraint("validity_days > 0", name="validity_days"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    nominal: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    validity_days: Mapped[int] = mapped_column(Integer, nullable=False)


class GiftCertificate(TrackedMixin, Base):
    """Подарочные сертификаты: a numbered certificate of a series with its nominal. Its sale
    and redemptions come from the ОФД receipts, linked by the number (the warehouse)."""

    __tablename__ = "gift_certificates"
    __table_args__ = (CheckConstraint("nominal > 0", name="nominal"),)

    number: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("gift_certificate_series.id"), nullable=False, index=True
    )
    nominal: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    issued_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)


class PriceTagTemplate(TrackedMixin, Base):
    """Шаблоны ценников: how many tags an A4 page holds (columns × rows) and which optional
    fields a tag shows; the name, the price and the unit price where the law requires it are
    always printed (operational_app/print_forms/price_tags.py)."""

    __tablename__ = "price_tag_templates"
    __table_args__ = (
        CheckConstraint("columns between 1 and 4", name="columns_range"),
        CheckConstraint("rows between 1 and 12", name="rows_range"),
    )

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    columns: Mapped[int] = mapped_column(Integer, nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    show_old_price: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    show_barcode: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class StockLevel(TrackedMixin, Base):
    """Goods on hand per product and warehouse; reserves are held on order lines."""

    __tablename__ = "stock_levels"
    __table_args__ = (
        UniqueConstraint("product_id", "warehouse_id", name="uq_stock_levels_product_warehouse"),
        CheckConstraint("quantity_on_hand >= 0", name="quantity_non_negative"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), nullable=False)
    quantity_on_hand: Mapped[Decimal] = mapped_column(Quantity, nullable=False, default=Decimal(0))


class Agreement(TrackedMixin, Base):
    """Соглашения с клиентами: typical (one set of terms, many partners) or individual."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint(_in("kind", AGREEMENT_KINDS), name="kind"),
        CheckConstraint(_in("price_type", PRICE_TYPES), name="price_type"),
        CheckConstraint(_in("settlement_control", SETTLEMENT_CONTROLS), name="settlement"),
        CheckConstraint(
            "kind <> 'individual' or partner_id is not null", name="individual_has_partner"
        ),
        CheckConstraint("discount_percent between 0 and 100", name="discount_range"),
        CheckConstraint("max_manual_discount_percent between 0 and 100", name="max_discount"),
        CheckConstraint("prepayment_share between 0 and 100", name="prepayment_range"),
        CheckConstraint("deferral_days >= 0", name="deferral_non_negative"),
        CheckConstraint("valid_to is null or valid_to >= valid_from", name="validity_ordered"),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="typical")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    price_type: Mapped[str] = mapped_column(String(20), nullable=False, default="wholesale")
    discount_percent: Mapped[Decimal] = mapped_column(Percent, nullable=False, default=Decimal(0))
    max_manual_discount_percent: Mapped[Decimal] = mapped_column(
        Percent, nullable=False, default=Decimal(5)
    )
    prepayment_share: Mapped[Decimal] = mapped_column(Percent, nullable=False, default=Decimal(0))
    deferral_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    settlement_control: Mapped[str] = mapped_column(
        String(20), nullable=False, default="by_agreement"
    )


class CommercialOffer(TrackedMixin, Base):
    """Коммерческое предложение клиенту; accepting one creates a customer order."""

    __tablename__ = "commercial_offers"
    __table_args__ = (CheckConstraint(_in("status", OFFER_STATUSES), name="status"),)

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    offered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    total_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    comment: Mapped[str | None] = mapped_column(Text)
    # Who accepted or rejected it (migration 0008): a portal user when the customer decided.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CommercialOfferLine(TrackedMixin, Base):
    __tablename__ = "commercial_offer_lines"
    __table_args__ = (
        UniqueConstraint("commercial_offer_id", "line_number", name="uq_offer_lines_number"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("discount_percent between 0 and 100", name="discount_range"),
    )

    commercial_offer_id: Mapped[int] = mapped_column(
        ForeignKey("commercial_offers.id"), nullable=False, index=True
    )
    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    discount_percent: Mapped[Decimal] = mapped_column(Percent, nullable=False, default=Decimal(0))
    price_adjustment: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class CustomerOrder(TrackedMixin, Base):
    """Заказ клиента. Debt = shipped − paid; status changes go through domain rules."""

    __tablename__ = "customer_orders"
    __table_args__ = (CheckConstraint(_in("status", ORDER_STATUSES), name="status"),)

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("counterparties.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    commercial_offer_id: Mapped[int | None] = mapped_column(ForeignKey("commercial_offers.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    ordered_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    planned_shipment_date: Mapped[dt.date | None] = mapped_column(Date)
    requires_approval: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    total_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    comment: Mapped[str | None] = mapped_column(Text)


class CustomerOrderLine(TrackedMixin, Base):
    __tablename__ = "customer_order_lines"
    __table_args__ = (
        UniqueConstraint("customer_order_id", "line_number", name="uq_order_lines_number"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("discount_percent between 0 and 100", name="discount_range"),
        CheckConstraint(
            "reserved_quantity >= 0 and reserved_quantity <= quantity", name="reserve_range"
        ),
        CheckConstraint(
            "shipped_quantity >= 0 and shipped_quantity <= quantity", name="shipped_range"
        ),
    )

    customer_order_id: Mapped[int] = mapped_column(
        ForeignKey("customer_orders.id"), nullable=False, index=True
    )
    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    discount_percent: Mapped[Decimal] = mapped_column(Percent, nullable=False, default=Decimal(0))
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    reserved_quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False, default=Decimal(0))
    shipped_quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False, default=Decimal(0))


class PaymentScheduleItem(TrackedMixin, Base):
    """График оплаты заказа: when and how much the customer is due to pay."""

    __tablename__ = "payment_schedule_items"
    __table_args__ = (
        CheckConstraint(_in("kind", PAYMENT_KINDS), name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    customer_order_id: Mapped[int] = mapped_column(
        ForeignKey("customer_orders.id"), nullable=False, index=True
    )
    due_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="credit")
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class Shipment(TrackedMixin, Base):
    """Реализация товаров: goods shipped against an order."""

    __tablename__ = "shipments"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_non_negative"),)

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    customer_order_id: Mapped[int] = mapped_column(
        ForeignKey("customer_orders.id"), nullable=False, index=True
    )
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    shipped_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    cost_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))


class ShipmentLine(TrackedMixin, Base):
    __tablename__ = "shipment_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), nullable=False, index=True)
    customer_order_line_id: Mapped[int] = mapped_column(
        ForeignKey("customer_order_lines.id"), nullable=False
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class Payment(TrackedMixin, Base):
    """Поступление безналичных денежных средств against an order."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    customer_order_id: Mapped[int] = mapped_column(
        ForeignKey("customer_orders.id"), nullable=False, index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False)
    paid_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class ReserveAdjustment(TrackedMixin, Base):
    """Корректировка назначения: a reserve released or moved from one order line to another."""

    __tablename__ = "reserve_adjustments"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "from_order_line_id is not null or to_order_line_id is not null", name="has_side"
        ),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    from_order_line_id: Mapped[int | None] = mapped_column(ForeignKey("customer_order_lines.id"))
    to_order_line_id: Mapped[int | None] = mapped_column(ForeignKey("customer_order_lines.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    adjusted_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Claim(TrackedMixin, Base):
    """Претензия клиента. Resolving needs a result (satisfied or not)."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(_in("source", CLAIM_SOURCES), name="source"),
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
        CheckConstraint(f"result is null or {_in('result', CLAIM_RESULTS)}", name="result"),
        CheckConstraint(
            "status <> 'resolved' or (result is not null and resolved_at is not null)",
            name="resolved_has_result",
        ),
        CheckConstraint("claimed_amount >= 0", name="claimed_amount_non_negative"),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    claim_reason_id: Mapped[int | None] = mapped_column(ForeignKey("claim_reasons.id"))
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="claims_list")
    customer_order_id: Mapped[int | None] = mapped_column(ForeignKey("customer_orders.id"))
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    description: Mapped[str | None] = mapped_column(Text)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="registered")
    result: Mapped[str | None] = mapped_column(String(20))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolution_comment: Mapped[str | None] = mapped_column(Text)
    # Migration 0008 (portal): who registered it (a portal user for source `portal`) and when an
    # operator first answered (the first status change, task or interaction after registration).
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_response_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ClaimTask(TrackedMixin, Base):
    """План работ по претензии: tasks with due dates."""

    __tablename__ = "claim_tasks"
    __table_args__ = (CheckConstraint(_in("status", TASK_STATUSES), name="status"),)

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Interaction(TrackedMixin, Base):
    """Взаимодействие: a meeting, call, SMS or e-mail, about a deal, a claim or an event."""

    __tablename__ = "interactions"
    __table_args__ = (
        CheckConstraint(_in("kind", INTERACTION_KINDS), name="kind"),
        CheckConstraint(_in("direction", DIRECTIONS), name="direction"),
        CheckConstraint(_in("status", INTERACTION_STATUSES), name="status"),
        CheckConstraint(
            f"subject_type is null or {_in('subject_type', INTERACTION_SUBJECTS)}",
            name="subject_type",
        ),
        CheckConstraint(
            "(subject_type is null and deal_id is null and claim_id is null"
            " and marketing_event_id is null)"
            " or (subject_type = 'deal' and deal_id is not null)"
            " or (subject_type = 'claim' and claim_id is not null)"
            " or (subject_type = 'marketing_event' and marketing_event_id is not null)",
            name="subject_matches_type",
        ),
        CheckConstraint("status <> 'done' or done_at is not null", name="done_has_time"),
    )

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    direction: Mapped[str] = mapped_column(String(20), nullable=False, default="outbound")
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("contact_persons.id"))
    interaction_topic_id: Mapped[int | None] = mapped_column(ForeignKey("interaction_topics.id"))
    subject_type: Mapped[str | None] = mapped_column(String(20))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"), index=True)
    marketing_event_id: Mapped[int | None] = mapped_column(ForeignKey("marketing_events.id"))
    summary: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    planned_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    is_reviewed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class ApiToken(TrackedMixin, Base):
    """Bearer tokens for integrations; only a SHA-256 of the token is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSession(TrackedMixin, Base):
    """A signed-in operator's browser session; the cookie carries a random token, stored hashed."""

    __tablename__ = "user_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DocumentCounter(TrackedMixin, Base):
    """The last number handed out per document type (a table name: `deals`, `claims`, ...).

    Incremented by one INSERT ... ON CONFLICT DO UPDATE ... RETURNING in the transaction that
    creates the document (operational_app.domain.numbering), so concurrent creators queue on the
    row instead of computing the same `max + 1` and failing on the unique number.
    """

    __tablename__ = "document_counters"

    document_type: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    last_value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class RegistryCacheEntry(TrackedMixin, Base):
    """One answer of a counterparty registry for one ИНН (issue 20): reused within a TTL and,
    when the source is down, as the last known answer. `payload` is the JSON list of parties."""

    __tablename__ = "registry_cache"
    __table_args__ = (UniqueConstraint("source", "inn", name="uq_registry_cache_source_inn"),)

    source: Mapped[str] = mapped_column(String(20), nullable=False)
    inn: Mapped[str] = mapped_column(String(12), nullable=False)
    fetched_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)


class RegistryParty(TrackedMixin, Base):
    """A unit (head office or branch) of a legal entity from a ЕГРЮЛ file loaded with
    `crm registry load`; `payload` is the JSON of operational_app.registry.base.RegistryParty."""

    __tablename__ = "registry_parties"

    inn: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    kpp: Mapped[str | None] = mapped_column(String(9))
    is_branch: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    source_file: Mapped[str | None] = mapped_column(String(500))


class CounterpartyRegistryChange(TrackedMixin, Base):
    """A difference `crm registry check` found between a counterparty and its registry record."""

    __tablename__ = "counterparty_registry_changes"

    counterparty_id: Mapped[int] = mapped_column(
        ForeignKey("counterparties.id"), nullable=False, index=True
    )
    field: Mapped[str] = mapped_column(String(30), nullable=False)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)


# --- Issue 19: the customer portal (migration 0008) ---------------------------------------------


class PortalInvite(TrackedMixin, Base):
    """A one-time link that lets a partner's contact person create a portal account.

    Only a SHA-256 of the link's token is stored; the link works once, until `expires_at`.
    """

    __tablename__ = "portal_invites"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    contact_person_id: Mapped[int] = mapped_column(ForeignKey("contact_persons.id"), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ReturnReason(TrackedMixin, Base):
    """Причины возврата товаров от клиента."""

    __tablename__ = "return_reasons"

    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)


class ReturnRequest(TrackedMixin, Base):
    """Заявка на возврат товаров от клиента: shipped lines the customer sends back.

    Approved by an operator, then `received` when the goods arrive: only a received return
    reduces the partner's debt and the revenue of the shipment it returns (as 1C's Возврат
    товаров от клиента does).
    """

    __tablename__ = "return_requests"
    __table_args__ = (
        CheckConstraint(_in("source", RETURN_SOURCES), name="source"),
        CheckConstraint(_in("status", RETURN_STATUSES), name="status"),
        CheckConstraint("total_amount >= 0", name="total_non_negative"),
        CheckConstraint("status <> 'received' or received_at is not null", name="received_at"),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    customer_order_id: Mapped[int] = mapped_column(
        ForeignKey("customer_orders.id"), nullable=False, index=True
    )
    return_reason_id: Mapped[int | None] = mapped_column(ForeignKey("return_reasons.id"))
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="operator")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="registered")
    comment: Mapped[str | None] = mapped_column(Text)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_comment: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    total_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))


class ReturnRequestLine(TrackedMixin, Base):
    __tablename__ = "return_request_lines"
    __table_args__ = (
        UniqueConstraint("return_request_id", "line_number", name="uq_return_lines_number"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price >= 0", name="price_non_negative"),
    )

    return_request_id: Mapped[int] = mapped_column(
        ForeignKey("return_requests.id"), nullable=False, index=True
    )
    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    shipment_line_id: Mapped[int] = mapped_column(
        ForeignKey("shipment_lines.id"), nullable=False, index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class Attachment(TrackedMixin, Base):
    """A file attached to a claim or a return request. The bytes live on disk under
    `<CRM_DATA_DIR>/attachments/`, named by their SHA-256, so the warehouse copies only this
    description, never the content."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(_in("owner_type", ATTACHMENT_OWNERS), name="owner_type"),
        CheckConstraint("size_bytes >= 0", name="size_non_negative"),
        Index("ix_attachments_owner", "owner_type", "owner_id"),
    )

    owner_type: Mapped[str] = mapped_column(String(20), nullable=False)
    owner_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DeliveryAddress(TrackedMixin, Base):
    """Адреса доставки партнёра."""

    __tablename__ = "delivery_addresses"

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    address: Mapped[str] = mapped_column(String(500), nullable=False)
    comment: Mapped[str | None] = mapped_column(String(500))
    is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ContactDataChange(TrackedMixin, Base):
    """One field of contact data a customer changed in the portal (history operators review).

    Changes apply at once, as 1C's self-service does; operators see each one on the partner
    card, old and new value, and mark it reviewed.
    """

    __tablename__ = "contact_data_changes"
    __table_args__ = (
        CheckConstraint(_in("entity", CONTACT_CHANGE_ENTITIES), name="entity"),
        CheckConstraint(_in("action", CONTACT_CHANGE_ACTIONS), name="action"),
    )

    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    entity: Mapped[str] = mapped_column(String(30), nullable=False)
    entity_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    field: Mapped[str | None] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utc_now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# --- Issue 25: invoices (Счет на оплату) -------------------------------------------------------

# issued → partly_paid → paid as payments are matched; cancelled while nothing is matched.
INVOICE_STATUSES = ("issued", "partly_paid", "paid", "cancelled")
# What the invoice asks to pay: the whole order (what is left of it) or one schedule item.
INVOICE_KINDS = ("order", "prepayment", "credit")


class Invoice(TrackedMixin, Base):
    """Счет на оплату, issued from a customer order: numbered per organization and year without
    gaps (`sequence_number`), amounts include VAT, `vat_amount` is the part that is VAT."""

    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint(_in("status", INVOICE_STATUSES), name="status"),
        CheckConstraint(_in("kind", INVOICE_KINDS), name="kind"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("vat_amount >= 0 and vat_amount <= amount", name="vat_range"),
        CheckConstraint("due_date >= issued_on", name="due_after_issue"),
        UniqueConstraint(
            "organization_id", "fiscal_year", "sequence_number", name="uq_invoices_org_year_seq"
        ),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), nullable=False)
    fiscal_year: Mapped[int] = mapped_column(Integer, nullable=False)
    sequence_number: Mapped[int] = mapped_column(Integer, nullable=False)
    customer_order_id: Mapped[int] = mapped_column(
        ForeignKey("customer_orders.id"), nullable=False, index=True
    )
    payment_schedule_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_schedule_items.id")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    counterparty_id: Mapped[int | None] = mapped_column(ForeignKey("counterparties.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="order")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="issued")
    issued_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    due_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    vat_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    purpose: Mapped[str] = mapped_column(String(210), nullable=False)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)


class InvoiceLine(TrackedMixin, Base):
    """A line of an invoice: goods of the order, or the share of a prepayment per VAT rate.
    `vat_rate` null means «Без НДС»."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("invoice_id", "line_number", name="uq_invoice_lines_number"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False, index=True)
    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    description: Mapped[str] = mapped_column(String(500), nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    vat_rate: Mapped[Decimal | None] = mapped_column(Percent)
    vat_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))


class InvoicePayment(TrackedMixin, Base):
    """A payment (or part of one) matched to an invoice; unmatching soft-deletes the row."""

    __tablename__ = "invoice_payments"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), nullable=False, index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    matched_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utc_now)


# --- Issue 22: inter-company sales and commission sales (migration 0012) ------------------------

# Передача товаров между организациями | Возврат товаров между организациями.
INTERCOMPANY_KINDS = ("transfer", "return")
# Передача на комиссию, Отчет комиссионера о продажах, Отчет комиссионера о списании (we are the
# committent); Поступление товаров на комиссию, Отчет комитенту (we are the commissioner).
COMMISSION_KINDS = (
    "to_commissioner",
    "commissioner_sales",
    "commissioner_writeoff",
    "from_committent",
    "committent_report",
    # Settlements: a commissioner pays us the sales less its fee; we pay a committent.
    "commissioner_payment",
    "committent_payment",
)
STOCK_HOLDERS = ("warehouse", "commissioner")
STOCK_MOVEMENT_DOCUMENTS = (
    "receipt",
    "shipment",
    "intercompany_transfer",
    "intercompany_return",
    *COMMISSION_KINDS,
)


class IntercompanyDocument(TrackedMixin, Base):
    """Передача (kind `transfer`) or Возврат (kind `return`) товаров между организациями: the
    goods at a warehouse pass from the sender organization to the receiver at a transfer price.
    Created by an operator, or by the system (`is_automatic`, with the `shipment_id` that caused
    it) when an order's organization ships goods another organization owns."""

    __tablename__ = "intercompany_documents"
    __table_args__ = (
        CheckConstraint(_in("kind", INTERCOMPANY_KINDS), name="kind"),
        CheckConstraint(
            "sender_organization_id <> receiver_organization_id", name="two_organizations"
        ),
        CheckConstraint("total_amount >= 0", name="total_non_negative"),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="transfer")
    sender_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), nullable=False, index=True
    )
    receiver_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), nullable=False, index=True
    )
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), nullable=False)
    shipment_id: Mapped[int | None] = mapped_column(ForeignKey("shipments.id"), index=True)
    is_automatic: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    documented_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    total_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    comment: Mapped[str | None] = mapped_column(Text)


class IntercompanyDocumentLine(TrackedMixin, Base):
    __tablename__ = "intercompany_document_lines"
    __table_args__ = (
        UniqueConstraint(
            "intercompany_document_id", "line_number", name="uq_intercompany_lines_number"
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price >= 0", name="price_non_negative"),
    )

    intercompany_document_id: Mapped[int] = mapped_column(
        ForeignKey("intercompany_documents.id"), nullable=False, index=True
    )
    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)


class CommissionDocument(TrackedMixin, Base):
    """A commission document of our `organization` with a partner: a commissioner who sells our
    goods (kinds to_commissioner, commissioner_sales, commissioner_writeoff) or a committent
    whose goods we sell (from_committent, committent_report). `fee_amount` is the commission fee
    (вознаграждение) of a sales report, the sum of its lines' fees."""

    __tablename__ = "commission_documents"
    __table_args__ = (
        CheckConstraint(_in("kind", COMMISSION_KINDS), name="kind"),
        CheckConstraint("total_amount >= 0", name="total_non_negative"),
        CheckConstraint("fee_amount >= 0 and fee_amount <= total_amount", name="fee_range"),
    )

    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), nullable=False, index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    documented_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    total_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    fee_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    comment: Mapped[str | None] = mapped_column(Text)


class CommissionDocumentLine(TrackedMixin, Base):
    """A line: goods handed over or received (at a price), or sold to a buyer (a partner of ours
    or, for a commissioner's own customers, a name) with the fee on that sale."""

    __tablename__ = "commission_document_lines"
    __table_args__ = (
        UniqueConstraint(
            "commission_document_id", "line_number", name="uq_commission_lines_number"
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("fee_amount >= 0 and fee_amount <= amount", name="fee_range"),
    )

    commission_document_id: Mapped[int] = mapped_column(
        ForeignKey("commission_documents.id"), nullable=False, index=True
    )
    line_number: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    fee_amount: Mapped[Decimal] = mapped_column(Money, nullable=False, default=Decimal(0))
    buyer_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    buyer_name: Mapped[str | None] = mapped_column(String(300))


class StockMovement(TrackedMixin, Base):
    """The ownership ledger: what an organization owns (or holds for a committent) and where it
    sits. Stock of (organization, committent, holder, product) = the sum of `quantity` (signed).
    The holder is one of our warehouses or a commissioner (a partner). Goods counted in
    stock_levels before their owner was recorded (no receipt) stay outside the ledger."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint(_in("holder_kind", STOCK_HOLDERS), name="holder_kind"),
        CheckConstraint(_in("document_type", STOCK_MOVEMENT_DOCUMENTS), name="document_type"),
        CheckConstraint("quantity <> 0", name="quantity_non_zero"),
        CheckConstraint(
            "(holder_kind = 'warehouse' and warehouse_id is not null and commissioner_id is null)"
            " or (holder_kind = 'commissioner' and commissioner_id is not null"
            " and warehouse_id is null)",
            name="holder_matches_kind",
        ),
        Index("ix_stock_movements_position", "product_id", "warehouse_id", "organization_id"),
    )

    moved_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), nullable=False)
    # Goods we hold on commission belong to this partner (Отчет комитенту); NULL: our own.
    committent_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    holder_kind: Mapped[str] = mapped_column(String(20), nullable=False)
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    commissioner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(Quantity, nullable=False)
    document_type: Mapped[str] = mapped_column(String(30), nullable=False)
    document_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
