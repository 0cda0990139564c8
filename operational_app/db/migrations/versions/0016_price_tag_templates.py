"""price tag templates, and the net quantity of packaged goods for the unit price (issue 21)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 18:40:00

A template (Шаблон ценника) is data operators edit: how many tags a printed A4 page holds
(columns × rows) and which optional fields a tag shows (the old price, the barcode). The
name, the price and, where the law requires it, the unit price are always printed. A product
gains its net quantity in grams or millilitres (packaged goods), from which the unit price is
computed. Two templates are seeded so a fresh database can print at once.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SEEDED = (
    ("Стандартный 3×7", 3, 7, True, True),
    ("Малый 4×10, без штрихкода", 4, 10, False, False),
)


def upgrade() -> None:
    """Upgrade schema."""
    templates = op.create_table(
        "price_tag_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("columns", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("show_old_price", sa.Boolean(), nullable=False),
        sa.Column("show_barcode", sa.Boolean(), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "columns between 1 and 4", name=op.f("ck_price_tag_templates_columns_range")
        ),
        sa.CheckConstraint("rows between 1 and 12", name=op.f("ck_price_tag_templates_rows_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_tag_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_price_tag_templates_name")),
    )
    with op.batch_alter_table("price_tag_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_price_tag_templates_updated_at"), ["updated_at"], unique=False
        )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("net_quantity", sa.Numeric(12, 3), nullable=True))
        batch_op.add_column(sa.Column("net_unit", sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_products_net_unit"), "net_unit is null or net_unit in ('g', 'ml')"
        )
        batch_op.create_check_constraint(
            op.f("ck_products_net_quantity_positive"), "net_quantity is null or net_quantity > 0"
        )
    now = dt.datetime(2026, 12, 7, 18, 40)
    op.bulk_insert(
        templates,
        [
            {
                "name": name,
                "columns": columns,
                "rows": rows,
                "show_old_price": old_price,
                "show_barcode": barcode,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for name, columns, rows, old_price, barcode in SEEDED
        ],
    )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_products_net_quantity_positive"), type_="check")
        batch_op.drop_constraint(op.f("ck_products_net_unit"), type_="check")
        batch_op.drop_column("net_unit")
        batch_op.drop_column("net_quantity")
    op.drop_table("price_tag_templates")
