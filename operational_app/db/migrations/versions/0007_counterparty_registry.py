"""counterparty registry: lookup cache, local ЕГРЮЛ parties, registry changes (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 05:00:00

Written beside another branch's 0007; the integrator re-chains down_revision to "0007".
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "registry_cache",
        *_tracked(),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("inn", sa.String(12), nullable=False),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_cache"),
        sa.UniqueConstraint("source", "inn", name="uq_registry_cache_source_inn"),
    )
    op.create_index("ix_registry_cache_updated_at", "registry_cache", ["updated_at"])
    op.create_table(
        "registry_parties",
        *_tracked(),
        sa.Column("inn", sa.String(12), nullable=False),
        sa.Column("kpp", sa.String(9), nullable=True),
        sa.Column("is_branch", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("source_file", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_registry_parties"),
    )
    op.create_index("ix_registry_parties_inn", "registry_parties", ["inn"])
    op.create_index("ix_registry_parties_updated_at", "registry_parties", ["updated_at"])
    op.create_table(
        "counterparty_registry_changes",
        *_tracked(),
        sa.Column(
            "counterparty_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("field", sa.String(30), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_counterparty_registry_changes"),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["counterparties.id"],
            name="fk_counterparty_registry_changes_counterparty_id_counterparties",
        ),
    )
    op.create_index(
        "ix_counterparty_registry_changes_counterparty_id",
        "counterparty_registry_changes",
        ["counterparty_id"],
    )
    op.create_index(
        "ix_counterparty_registry_changes_updated_at",
        "counterparty_registry_changes",
        ["updated_at"],
    )


def downgrade() -> None:
    op.drop_table("counterparty_registry_changes")
    op.drop_table("registry_parties")
    op.drop_table("registry_cache")
