"""sales_plans (Планы продаж, issue 26)

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07 15:30:00

One row per month, manager, business region and deal kind: the planned amount and number of
won deals. The grain is unique (the plan of that cell); soft-deleted rows keep their place in
it, so a deleted plan is restored rather than entered again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0009"
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


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("sales_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plans_updated_at"))
        batch_op.drop_index(batch_op.f("ix_sales_plans_period_month"))
        batch_op.drop_index(batch_op.f("ix_sales_plans_manager_id"))

    op.drop_table("sales_plans")
