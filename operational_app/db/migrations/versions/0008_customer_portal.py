"""customer portal (issue 19)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 06:30:26

Portal users are `users` with role `customer` and the partner (and contact person) they act for;
one-time invites; return requests (Заявки на возврат товаров от клиента) with their lines and
reasons; attachments of claims and returns (descriptions; the bytes live in the data directory);
delivery addresses and the history of contact data customers change; who registered a claim and
when an operator first answered; who decided on an offer.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "return_reasons",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_reasons")),
        sa.UniqueConstraint("name", name=op.f("uq_return_reasons_name")),
    )
    with op.batch_alter_table("return_reasons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_reasons_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "attachments",
        sa.Column("owner_type", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "uploaded_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "owner_type in ('claim', 'return_request')", name=op.f("ck_attachments_owner_type")
        ),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_attachments_size_non_negative")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_attachments_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_owner", ["owner_type", "owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "contact_data_changes",
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column(
            "changed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column(
            "reviewed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "action in ('created', 'updated', 'deleted')",
            name=op.f("ck_contact_data_changes_action"),
        ),
        sa.CheckConstraint(
            "entity in ('contact_person', 'delivery_address')",
            name=op.f("ck_contact_data_changes_entity"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_contact_data_changes_changed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_contact_data_changes_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_contact_data_changes_reviewed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_data_changes")),
    )
    with op.batch_alter_table("contact_data_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_data_changes_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_data_changes_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "delivery_addresses",
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_delivery_addresses_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_addresses")),
    )
    with op.batch_alter_table("delivery_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_addresses_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delivery_addresses_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "portal_invites",
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "contact_person_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column(
            "used_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_person_id"],
            ["contact_persons.id"],
            name=op.f("fk_portal_invites_contact_person_id_contact_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_portal_invites_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_portal_invites_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"], ["users.id"], name=op.f("fk_portal_invites_used_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_invites")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_invites_token_hash")),
    )
    with op.batch_alter_table("portal_invites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_invites_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_invites_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "return_requests",
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column(
            "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "customer_order_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "return_reason_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column(
            "registered_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column(
            "decided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("first_response_at", sa.DateTime(), nullable=True),
        sa.Column("total_amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "source in ('operator', 'portal')", name=op.f("ck_return_requests_source")
        ),
        sa.CheckConstraint(
            "status <> 'received' or received_at is not null",
            name=op.f("ck_return_requests_received_at"),
        ),
        sa.CheckConstraint(
            "status in ('registered', 'approved', 'rejected', 'received', 'cancelled')",
            name=op.f("ck_return_requests_status"),
        ),
        sa.CheckConstraint("total_amount >= 0", name=op.f("ck_return_requests_total_non_negative")),
        sa.ForeignKeyConstraint(
            ["customer_order_id"],
            ["customer_orders.id"],
            name=op.f("fk_return_requests_customer_order_id_customer_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_return_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_return_requests_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["users.id"],
            name=op.f("fk_return_requests_registered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["return_reason_id"],
            ["return_reasons.id"],
            name=op.f("fk_return_requests_return_reason_id_return_reasons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_return_requests_number")),
    )
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_requests_customer_order_id"), ["customer_order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_return_requests_partner_id"), ["partner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_return_requests_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "return_request_lines",
        sa.Column(
            "return_request_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column(
            "shipment_line_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("quantity", sa.Numeric(precision=15, scale=3), nullable=False),
        sa.Column("price", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("price >= 0", name=op.f("ck_return_request_lines_price_non_negative")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_request_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_return_request_lines_product_id_products"),
        ),
        sa.ForeignKeyConstraint(
            ["return_request_id"],
            ["return_requests.id"],
            name=op.f("fk_return_request_lines_return_request_id_return_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["shipment_line_id"],
            ["shipment_lines.id"],
            name=op.f("fk_return_request_lines_shipment_line_id_shipment_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_request_lines")),
        sa.UniqueConstraint("return_request_id", "line_number", name="uq_return_lines_number"),
    )
    with op.batch_alter_table("return_request_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_return_request_lines_return_request_id"),
            ["return_request_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_return_request_lines_shipment_line_id"),
            ["shipment_line_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_return_request_lines_updated_at"), ["updated_at"], unique=False
        )

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "registered_by_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_claims_registered_by_id_users"), "users", ["registered_by_id"], ["id"]
        )

    with op.batch_alter_table("commercial_offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "decided_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_commercial_offers_decided_by_id_users"),
            "users",
            ["decided_by_id"],
            ["id"],
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "partner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "contact_person_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_index(batch_op.f("ix_users_partner_id"), ["partner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_contact_person_id_contact_persons"),
            "contact_persons",
            ["contact_person_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_users_partner_id_partners"), "partners", ["partner_id"], ["id"]
        )
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(
            "role", "role in ('operator', 'manager', 'administrator', 'customer')"
        )
        batch_op.create_check_constraint(
            "customer_has_partner",
            "(role = 'customer' and partner_id is not null)"
            " or (role <> 'customer' and partner_id is null)",
        )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("delete from users where role = 'customer'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_users_customer_has_partner"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint("role", "role in ('operator', 'manager', 'administrator')")
        batch_op.drop_constraint(batch_op.f("fk_users_partner_id_partners"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_users_contact_person_id_contact_persons"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_users_partner_id"))
        batch_op.drop_column("contact_person_id")
        batch_op.drop_column("partner_id")

    with op.batch_alter_table("commercial_offers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_commercial_offers_decided_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("decided_by_id")

    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claims_registered_by_id_users"), type_="foreignkey")
        batch_op.drop_column("first_response_at")
        batch_op.drop_column("registered_by_id")

    with op.batch_alter_table("return_request_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_request_lines_updated_at"))
        batch_op.drop_index(batch_op.f("ix_return_request_lines_shipment_line_id"))
        batch_op.drop_index(batch_op.f("ix_return_request_lines_return_request_id"))

    op.drop_table("return_request_lines")
    with op.batch_alter_table("return_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_requests_updated_at"))
        batch_op.drop_index(batch_op.f("ix_return_requests_partner_id"))
        batch_op.drop_index(batch_op.f("ix_return_requests_customer_order_id"))

    op.drop_table("return_requests")
    with op.batch_alter_table("portal_invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_invites_updated_at"))
        batch_op.drop_index(batch_op.f("ix_portal_invites_partner_id"))

    op.drop_table("portal_invites")
    with op.batch_alter_table("delivery_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_addresses_updated_at"))
        batch_op.drop_index(batch_op.f("ix_delivery_addresses_partner_id"))

    op.drop_table("delivery_addresses")
    with op.batch_alter_table("contact_data_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_data_changes_updated_at"))
        batch_op.drop_index(batch_op.f("ix_contact_data_changes_partner_id"))

    op.drop_table("contact_data_changes")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_updated_at"))
        batch_op.drop_index("ix_attachments_owner")

    op.drop_table("attachments")
    with op.batch_alter_table("return_reasons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_reasons_updated_at"))

    op.drop_table("return_reasons")
