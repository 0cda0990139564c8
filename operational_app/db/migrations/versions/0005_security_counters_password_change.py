"""document counters and the password change flag

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 03:50:00

`document_counters`: one row per document type with the last number handed out. Numbers were
`max(id) + 1` read before the insert, so concurrent creators computed the same number and all
but one failed on the unique constraint (issue 16, item 4). No rows are created here: the first
allocation of a type inserts its row, starting above the existing documents' ids (the numbers
the old rule gave them), see operational_app.domain.numbering.

`users.must_change_password`: seeded demo users (and passwords an administrator hands out) are
sent to the password change page at their next sign-in (item 7). Existing users keep signing in
as before (false).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_counters",
        sa.Column("document_type", sa.String(length=60), nullable=False),
        sa.Column("last_value", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_counters")),
        sa.UniqueConstraint("document_type", name=op.f("uq_document_counters_document_type")),
    )
    with op.batch_alter_table("document_counters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_counters_updated_at"), ["updated_at"], unique=False
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password",
                sa.Boolean(),
                nullable=False,
                server_default=sa.text("false"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
    with op.batch_alter_table("document_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_counters_updated_at"))
    op.drop_table("document_counters")
