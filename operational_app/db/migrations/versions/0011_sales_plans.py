"""sales_plans (Планы продаж), marketing events' kind and cost, deals' marketing event (issue 26)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:30:00

One row per month, manager, business region and deal kind: the planned amount and number of
won deals. The grain is unique (the plan of that cell); soft-deleted rows keep their place in
it, so a deleted plan is restored rather than entered again.

Marketing events get a kind and a cost (for the cost per won deal), and a deal may name the
marketing event it came from.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "sales_plans",
        sa.Column("period_month", sa.Date(), nullable=False),
        sa.Column("manager_id", _ID, nullable=False),
        sa.Column("business_region_id", _ID, nullable=False),
        sa.Column("deal_kind_id", _ID, nullable=False),
        sa.Column("planned_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("planned_won_deals", sa.Integer(), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "planned_amount >= 0", name=op.f("ck_sales_plans_planned_amount_non_negative")
        ),
        sa.CheckConstraint(
            "planned_won_deals >= 0", name=op.f("ck_sales_plans_planned_won_deals_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["business_region_id"],
            ["business_regions.id"],
            name=op.f("fk_sales_plans_business_region_id_business_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["deal_kind_id"], ["deal_kinds.id"], name=op.f("fk_sales_plans_deal_kind_id_deal_kinds")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["users.id"], name=op.f("fk_sales_plans_manager_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_plans")),
        sa.UniqueConstraint(
            "period_month",
            "manager_id",
            "business_region_id",
            "deal_kind_id",
            name="uq_sales_plans_grain",
        ),
    )
    with op.batch_alter_table("sales_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_plans_manager_id"), ["manager_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_plans_period_month"), ["period_month"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_plans_updated_at"), ["updated_at"], unique=False)

    with op.batch_alter_table("marketing_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column(
                "cost",
                sa.Numeric(precision=15, scale=2),
                server_default=sa.text("0"),
                nullable=False,
            )
        )
        batch_op.create_check_constraint(
            "kind",
            "kind in ('exhibition', 'webinar', 'seminar', 'open_day', 'mailing', 'other')",
        )
        batch_op.create_check_constraint("cost_non_negative", "cost >= 0")

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("marketing_event_id", _ID, nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_deals_marketing_event_id_marketing_events"),
            "marketing_events",
            ["marketing_event_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_deals_marketing_event_id_marketing_events"), type_="foreignkey"
        )
        batch_op.drop_column("marketing_event_id")

    with op.batch_alter_table("marketing_events", schema=None) as batch_op:
        batch_op.drop_constraint("cost_non_negative", type_="check")
        batch_op.drop_constraint("kind", type_="check")
        batch_op.drop_column("cost")
        batch_op.drop_column("kind")

    with op.batch_alter_table("sales_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plans_updated_at"))
        batch_op.drop_index(batch_op.f("ix_sales_plans_period_month"))
        batch_op.drop_index(batch_op.f("ix_sales_plans_manager_id"))

    op.drop_table("sales_plans")
