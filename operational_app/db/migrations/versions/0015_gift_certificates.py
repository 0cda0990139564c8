"""gift certificates: series and the register of numbered certificates (issue 21)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 18:50:00

Operators enter the series (a fixed nominal or an open one, and how long a certificate is valid
after its sale) and the certificates they print. Sales and redemptions are not entered here:
the warehouse reads them from the ОФД receipts (the sale an advance, the redemption a
prepayment, tag 1215) and links them to a certificate by its number.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
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
        "gift_certificate_series",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("nominal", sa.Numeric(14, 2), nullable=True),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        *_tracked(),
        sa.CheckConstraint(
            "kind in ('fixed', 'open')", name=op.f("ck_gift_certificate_series_kind")
        ),
        sa.CheckConstraint(
            "(kind = 'fixed' and nominal > 0) or (kind = 'open' and nominal is null)",
            name=op.f("ck_gift_certificate_series_nominal"),
        ),
        sa.CheckConstraint(
            "validity_days > 0", name=op.f("ck_gift_certificate_series_validity_days")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_certificate_series")),
        sa.UniqueConstraint("name", name=op.f("uq_gift_certificate_series_name")),
    )
    with op.batch_alter_table("gift_certificate_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gift_certificate_series_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "gift_certificates",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("series_id", _ID, nullable=False),
        sa.Column("nominal", sa.Numeric(14, 2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        *_tracked(),
        sa.CheckConstraint("nominal > 0", name=op.f("ck_gift_certificates_nominal")),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["gift_certificate_series.id"],
            name=op.f("fk_gift_certificates_series_id_gift_certificate_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_gift_certificates_number")),
    )
    with op.batch_alter_table("gift_certificates", schema=None) as batch_op:
        for column in ("series_id", "updated_at"):
            batch_op.create_index(
                batch_op.f(f"ix_gift_certificates_{column}"), [column], unique=False
            )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("gift_certificates")
    op.drop_table("gift_certificate_series")
