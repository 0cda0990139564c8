"""live deal list index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 03:10:00

The deal list reads live deals (deleted_at is null) newest first, a page at an offset. With the
whole-table index of 0003 every row skipped on the way to the offset was fetched from the table
to check deleted_at, as was every row counted for the total; an index of live deals only answers
both from the index (SQLite small scale: page 3.3 -> 0.4 ms, total 2.8 -> 0.7 ms).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_deals_created_at_id", table_name="deals")
    op.create_index(
        "ix_deals_live_created_at_id",
        "deals",
        ["created_at", "id"],
        sqlite_where=LIVE,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    op.drop_index("ix_deals_live_created_at_id", table_name="deals")
    op.create_index("ix_deals_created_at_id", "deals", ["created_at", "id"])
