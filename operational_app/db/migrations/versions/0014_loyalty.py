"""loyalty: programmes, discount cards and manual points adjustments (issue 21)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 16:40:00

The points ledger itself is derived in the warehouse from the ОФД receipts that show a card
(accrual on the goods paid in money, redemption as the receipt's встречное предоставление);
only what operators enter is here: programmes and their rules, the cards, and adjustments.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def _updated_index(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_updated_at"), ["updated_at"], unique=False)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "loyalty_programmes",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("discount_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("accrual_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("max_redemption_percent", sa.Numeric(5, 2), nullable=False),
        sa.Column("point_value", sa.Numeric(10, 2), nullable=False),
        sa.Column("points_validity_days", sa.Integer(), nullable=True),
        *_tracked(),
        sa.CheckConstraint(
            "kind in ('discount', 'bonus')", name=op.f("ck_loyalty_programmes_kind")
        ),
        sa.CheckConstraint(
            "discount_percent >= 0 and discount_percent <= 100",
            name=op.f("ck_loyalty_programmes_discount_percent"),
        ),
        sa.CheckConstraint(
            "accrual_percent >= 0 and accrual_percent <= 100",
            name=op.f("ck_loyalty_programmes_accrual_percent"),
        ),
        sa.CheckConstraint(
            "max_redemption_percent >= 0 and max_redemption_percent <= 100",
            name=op.f("ck_loyalty_programmes_max_redemption_percent"),
        ),
        sa.CheckConstraint("point_value > 0", name=op.f("ck_loyalty_programmes_point_value")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_loyalty_programmes_name")),
    )
    _updated_index("loyalty_programmes")

    op.create_table(
        "discount_cards",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("programme_id", _ID, nullable=False),
        sa.Column("partner_id", _ID, nullable=True),
        sa.Column("contact_person_id", _ID, nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("blocked_on", sa.Date(), nullable=True),
        *_tracked(),
        sa.CheckConstraint(
            "partner_id is null or contact_person_id is null",
            name=op.f("ck_discount_cards_one_holder"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["loyalty_programmes.id"],
            name=op.f("fk_discount_cards_programme_id_loyalty_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_discount_cards_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["contact_persons.id"],
            name=op.f("fk_discount_cards_contact_person_id_contact_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_cards")),
        sa.UniqueConstraint("number", name=op.f("uq_discount_cards_number")),
    )
    with op.batch_alter_table("discount_cards", schema=None) as batch_op:
        for column in ("programme_id", "partner_id", "contact_person_id", "updated_at"):
            batch_op.create_index(batch_op.f(f"ix_discount_cards_{column}"), [column], unique=False)

    op.create_table(
        "loyalty_point_adjustments",
        sa.Column("card_id", _ID, nullable=False),
        sa.Column("adjusted_on", sa.Date(), nullable=False),
        sa.Column("points", sa.Numeric(14, 2), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        *_tracked(),
        sa.CheckConstraint(
            "points <> 0", name=op.f("ck_loyalty_point_adjustments_points_non_zero")
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["discount_cards.id"],
            name=op.f("fk_loyalty_point_adjustments_card_id_discount_cards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_point_adjustments")),
    )
    with op.batch_alter_table("loyalty_point_adjustments", schema=None) as batch_op:
        for column in ("card_id", "updated_at"):
            batch_op.create_index(
                batch_op.f(f"ix_loyalty_point_adjustments_{column}"), [column], unique=False
            )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("loyalty_point_adjustments")
    op.drop_table("discount_cards")
    op.drop_table("loyalty_programmes")
