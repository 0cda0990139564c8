"""invoices (Счет на оплату), their lines and matched payments; bank requisites and VAT (issue 25)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 15:16:48

Invoices are numbered per organization and year (`sequence_number`, unique with both); amounts
include VAT and each line keeps the rate it was issued at (null = «Без НДС»). Organizations get
the bank requisites the invoice prints and its payment QR code carries, and whether they pay
VAT; products get the VAT schedule they follow (operational_app.domain.vat holds the rates).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "invoices",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column(
            "organization_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("sequence_number", sa.Integer(), nullable=False),
        sa.Column(
            "customer_order_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "payment_schedule_item_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "counterparty_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "agreement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("vat_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("purpose", sa.String(length=210), nullable=False),
        sa.Column(
            "issued_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind in ('order', 'prepayment', 'credit')", name=op.f("ck_invoices_kind")
        ),
        sa.CheckConstraint(
            "status in ('issued', 'partly_paid', 'paid', 'cancelled')",
            name=op.f("ck_invoices_status"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_invoices_amount_positive")),
        sa.CheckConstraint("due_date >= issued_on", name=op.f("ck_invoices_due_after_issue")),
        sa.CheckConstraint(
            "vat_amount >= 0 and vat_amount <= amount", name=op.f("ck_invoices_vat_range")
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_invoices_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["counterparties.id"],
            name=op.f("fk_invoices_counterparty_id_counterparties"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_order_id"],
            ["customer_orders.id"],
            name=op.f("fk_invoices_customer_order_id_customer_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_invoices_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invoices_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_invoices_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["payment_schedule_item_id"],
            ["payment_schedule_items.id"],
            name=op.f("fk_invoices_payment_schedule_item_id_payment_schedule_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "organization_id", "fiscal_year", "sequence_number", name="uq_invoices_org_year_seq"
        ),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoices_customer_order_id"), ["customer_order_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_invoices_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoices_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoices_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "invoice_lines",
        sa.Column(
            "invoice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column(
            "product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=False),
        sa.Column("price", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("vat_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_invoice_lines_amount_non_negative")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_invoice_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_invoice_lines_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sa.UniqueConstraint("invoice_id", "line_number", name="uq_invoice_lines_number"),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_lines_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "invoice_payments",
        sa.Column(
            "invoice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("matched_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_invoice_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_payments_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_invoice_payments_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_payments")),
    )
    with op.batch_alter_table("invoice_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invoice_payments_invoice_id"), ["invoice_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_payments_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invoice_payments_updated_at"), ["updated_at"], unique=False
        )

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_address", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("bank_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("bank_bik", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("settlement_account", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("correspondent_account", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("director_name", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("chief_accountant_name", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("is_vat_payer", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("vat_kind", sa.String(length=20), server_default="general", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_products_vat_kind"), "vat_kind in ('general', 'reduced', 'exempt')"
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_products_vat_kind"), type_="check")
        batch_op.drop_column("vat_kind")

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("is_vat_payer")
        batch_op.drop_column("chief_accountant_name")
        batch_op.drop_column("director_name")
        batch_op.drop_column("correspondent_account")
        batch_op.drop_column("settlement_account")
        batch_op.drop_column("bank_bik")
        batch_op.drop_column("bank_name")
        batch_op.drop_column("legal_address")

    with op.batch_alter_table("invoice_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_payments_updated_at"))
        batch_op.drop_index(batch_op.f("ix_invoice_payments_payment_id"))
        batch_op.drop_index(batch_op.f("ix_invoice_payments_invoice_id"))

    op.drop_table("invoice_payments")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_lines_updated_at"))
        batch_op.drop_index(batch_op.f("ix_invoice_lines_invoice_id"))

    op.drop_table("invoice_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_updated_at"))
        batch_op.drop_index(batch_op.f("ix_invoices_partner_id"))
        batch_op.drop_index(batch_op.f("ix_invoices_number"))
        batch_op.drop_index(batch_op.f("ix_invoices_customer_order_id"))

    op.drop_table("invoices")
