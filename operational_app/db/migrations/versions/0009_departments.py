"""departments (Подразделения) and users' department and supervisor (issue 17)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 06:34:07

Departments are hierarchical (a regional office, the teams under it), each with a head
(Руководитель) and optionally a business region; a user gets the department they work in and
their supervisor. The foreign keys between users and departments run both ways, so the models
declare them with use_alter; here the users table already exists, so they are plain.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "departments",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", _ID, nullable=True),
        sa.Column("head_user_id", _ID, nullable=True),
        sa.Column("business_region_id", _ID, nullable=True),
        sa.Column(
            "is_regional_office", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_region_id"],
            ["business_regions.id"],
            name=op.f("fk_departments_business_region_id_business_regions"),
        ),
        sa.ForeignKeyConstraint(
            ["head_user_id"], ["users.id"], name=op.f("fk_departments_head_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["departments.id"], name=op.f("fk_departments_parent_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("name", name=op.f("uq_departments_name")),
    )
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departments_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_departments_updated_at"), ["updated_at"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("supervisor_id", _ID, nullable=True))
        batch_op.create_index(batch_op.f("ix_users_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_supervisor_id"), ["supervisor_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_users_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_users_supervisor_id_users"), "users", ["supervisor_id"], ["id"]
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_supervisor_id_users"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_users_department_id_departments"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_users_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_users_department_id"))
        batch_op.drop_column("supervisor_id")
        batch_op.drop_column("department_id")

    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_updated_at"))
        batch_op.drop_index(batch_op.f("ix_departments_parent_id"))

    op.drop_table("departments")
