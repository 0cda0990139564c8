"""inter-company documents, commission documents and the stock ownership ledger (issue 22)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:16:46

Передача/Возврат товаров между организациями (intercompany_documents and lines), the commission
documents in both directions (commission_documents and lines: Передача на комиссию, Отчет
комиссионера о продажах and о списании, Поступление товаров на комиссию, Отчет комитенту) and
stock_movements, the ledger of what each organization owns (or holds for a committent) and where
it sits (one of our warehouses or a commissioner).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "commission_documents",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("organization_id", _ID, nullable=False),
        sa.Column("partner_id", _ID, nullable=False),
        sa.Column("warehouse_id", _ID, nullable=True),
        sa.Column("documented_at", sa.DateTime(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("fee_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind in ('to_commissioner', 'commissioner_sales', 'commissioner_writeoff', 'from_committent', 'committent_report', 'commissioner_payment', 'committent_payment')",
            name=op.f("ck_commission_documents_kind"),
        ),
        sa.CheckConstraint(
            "fee_amount >= 0 and fee_amount <= total_amount",
            name=op.f("ck_commission_documents_fee_range"),
        ),
        sa.CheckConstraint(
            "total_amount >= 0", name=op.f("ck_commission_documents_total_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_commission_documents_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_commission_documents_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_commission_documents_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_commission_documents_number")),
    )
    with op.batch_alter_table("commission_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commission_documents_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commission_documents_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_commission_documents_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "stock_movements",
        sa.Column("moved_at", sa.DateTime(), nullable=False),
        sa.Column("organization_id", _ID, nullable=False),
        sa.Column("committent_id", _ID, nullable=True),
        sa.Column("holder_kind", sa.String(length=20), nullable=False),
        sa.Column("warehouse_id", _ID, nullable=True),
        sa.Column("commissioner_id", _ID, nullable=True),
        sa.Column("product_id", _ID, nullable=False),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=False),
        sa.Column("document_type", sa.String(length=30), nullable=False),
        sa.Column("document_id", sa.BigInteger(), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "(holder_kind = 'warehouse' and warehouse_id is not null and commissioner_id is null) or (holder_kind = 'commissioner' and commissioner_id is not null and warehouse_id is null)",
            name=op.f("ck_stock_movements_holder_matches_kind"),
        ),
        sa.CheckConstraint(
            "document_type in ('receipt', 'shipment', 'intercompany_transfer', 'intercompany_return', 'to_commissioner', 'commissioner_sales', 'commissioner_writeoff', 'from_committent', 'committent_report', 'commissioner_payment', 'committent_payment')",
            name=op.f("ck_stock_movements_document_type"),
        ),
        sa.CheckConstraint(
            "holder_kind in ('warehouse', 'commissioner')",
            name=op.f("ck_stock_movements_holder_kind"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movements_quantity_non_zero")),
        sa.ForeignKeyConstraint(
            ["commissioner_id"],
            ["partners.id"],
            name=op.f("fk_stock_movements_commissioner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["committent_id"],
            ["partners.id"],
            name=op.f("fk_stock_movements_committent_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_stock_movements_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_movements_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_stock_movements_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stock_movements_position",
            ["product_id", "warehouse_id", "organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_stock_movements_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "commission_document_lines",
        sa.Column("commission_document_id", _ID, nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", _ID, nullable=False),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=False),
        sa.Column("price", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("fee_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("buyer_partner_id", _ID, nullable=True),
        sa.Column("buyer_name", sa.String(length=300), nullable=True),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "fee_amount >= 0 and fee_amount <= amount",
            name=op.f("ck_commission_document_lines_fee_range"),
        ),
        sa.CheckConstraint(
            "price >= 0", name=op.f("ck_commission_document_lines_price_non_negative")
        ),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_commission_document_lines_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_partner_id"],
            ["partners.id"],
            name=op.f("fk_commission_document_lines_buyer_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["commission_document_id"],
            ["commission_documents.id"],
            name=op.f("fk_commission_document_lines_commission_document_id_commission_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_commission_document_lines_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_document_lines")),
        sa.UniqueConstraint(
            "commission_document_id", "line_number", name="uq_commission_lines_number"
        ),
    )
    with op.batch_alter_table("commission_document_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_commission_document_lines_commission_document_id"),
            ["commission_document_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_commission_document_lines_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "intercompany_documents",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sender_organization_id", _ID, nullable=False),
        sa.Column("receiver_organization_id", _ID, nullable=False),
        sa.Column("warehouse_id", _ID, nullable=False),
        sa.Column("shipment_id", _ID, nullable=True),
        sa.Column("is_automatic", sa.Boolean(), nullable=False),
        sa.Column("documented_at", sa.DateTime(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind in ('transfer', 'return')", name=op.f("ck_intercompany_documents_kind")
        ),
        sa.CheckConstraint(
            "sender_organization_id <> receiver_organization_id",
            name=op.f("ck_intercompany_documents_two_organizations"),
        ),
        sa.CheckConstraint(
            "total_amount >= 0", name=op.f("ck_intercompany_documents_total_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_organization_id"],
            ["organizations.id"],
            name=op.f("fk_intercompany_documents_receiver_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_organization_id"],
            ["organizations.id"],
            name=op.f("fk_intercompany_documents_sender_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["shipments.id"],
            name=op.f("fk_intercompany_documents_shipment_id_shipments"),
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"],
            ["warehouses.id"],
            name=op.f("fk_intercompany_documents_warehouse_id_warehouses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intercompany_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_intercompany_documents_number")),
    )
    with op.batch_alter_table("intercompany_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intercompany_documents_receiver_organization_id"),
            ["receiver_organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_intercompany_documents_sender_organization_id"),
            ["sender_organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_intercompany_documents_shipment_id"), ["shipment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intercompany_documents_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "intercompany_document_lines",
        sa.Column("intercompany_document_id", _ID, nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("product_id", _ID, nullable=False),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=False),
        sa.Column("price", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "price >= 0", name=op.f("ck_intercompany_document_lines_price_non_negative")
        ),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_intercompany_document_lines_quantity_positive")
        ),
        sa.ForeignKeyConstraint(
            ["intercompany_document_id"],
            ["intercompany_documents.id"],
            name=op.f(
                "fk_intercompany_document_lines_intercompany_document_id_intercompany_documents"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_intercompany_document_lines_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intercompany_document_lines")),
        sa.UniqueConstraint(
            "intercompany_document_id", "line_number", name="uq_intercompany_lines_number"
        ),
    )
    with op.batch_alter_table("intercompany_document_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intercompany_document_lines_intercompany_document_id"),
            ["intercompany_document_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_intercompany_document_lines_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("intercompany_document_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intercompany_document_lines_updated_at"))
        batch_op.drop_index(batch_op.f("ix_intercompany_document_lines_intercompany_document_id"))

    op.drop_table("intercompany_document_lines")
    with op.batch_alter_table("intercompany_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intercompany_documents_updated_at"))
        batch_op.drop_index(batch_op.f("ix_intercompany_documents_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_intercompany_documents_sender_organization_id"))
        batch_op.drop_index(batch_op.f("ix_intercompany_documents_receiver_organization_id"))

    op.drop_table("intercompany_documents")
    with op.batch_alter_table("commission_document_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commission_document_lines_updated_at"))
        batch_op.drop_index(batch_op.f("ix_commission_document_lines_commission_document_id"))

    op.drop_table("commission_document_lines")
    with op.batch_alter_table("stock_movements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movements_updated_at"))
        batch_op.drop_index("ix_stock_movements_position")

    op.drop_table("stock_movements")
    with op.batch_alter_table("commission_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commission_documents_updated_at"))
        batch_op.drop_index(batch_op.f("ix_commission_documents_partner_id"))
        batch_op.drop_index(batch_op.f("ix_commission_documents_organization_id"))

    op.drop_table("commission_documents")
