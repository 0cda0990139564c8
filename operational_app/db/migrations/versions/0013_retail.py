"""retail: stores, cash registers (ККТ) and product barcodes (issue 21)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 15:20:00

Receipts themselves are not OLTP rows: they arrive from the ОФД as files in data/inbox/ofd and
the pipeline loads them into the warehouse. Here are what operators enter: the stores (one
warehouse, one organization each), their cash registers by ФНС registration number, and the
barcode a receipt line's product code is matched on.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
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


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "stores",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("organization_id", _ID, nullable=False),
        sa.Column("warehouse_id", _ID, nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_stores_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_stores_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("name", name=op.f("uq_stores_name")),
    )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stores_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stores_warehouse_id"), ["warehouse_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stores_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "cash_registers",
        sa.Column("store_id", _ID, nullable=False),
        sa.Column("registration_number", sa.String(length=20), nullable=False),
        sa.Column("fiscal_drive_number", sa.String(length=16), nullable=True),
        sa.Column("ofd_name", sa.String(length=200), nullable=True),
        sa.Column("ofd_inn", sa.String(length=12), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_cash_registers_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_registers")),
        sa.UniqueConstraint(
            "registration_number", name=op.f("uq_cash_registers_registration_number")
        ),
    )
    with op.batch_alter_table("cash_registers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cash_registers_store_id"), ["store_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cash_registers_updated_at"), ["updated_at"], unique=False
        )

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("barcode", sa.String(length=14), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_products_barcode"), ["barcode"])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_products_barcode"), type_="unique")
        batch_op.drop_column("barcode")
    with op.batch_alter_table("cash_registers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_registers_updated_at"))
        batch_op.drop_index(batch_op.f("ix_cash_registers_store_id"))
    op.drop_table("cash_registers")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stores_updated_at"))
        batch_op.drop_index(batch_op.f("ix_stores_warehouse_id"))
        batch_op.drop_index(batch_op.f("ix_stores_organization_id"))
    op.drop_table("stores")
