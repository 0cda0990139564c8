"""organizations: identities in the GIS systems

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 03:30:00

Direction and counterparty of a GIS document follow from who we are (DESIGN.md §4, §5), so each
organization carries its identities besides the one FSRAR ID it had: further FSRAR IDs (one per
УТМ, i.e. per licensed place), the ВетИС business-entity GUID and enterprise GUIDs, and the
ГИС МТ participant ИНН when it is not the organization's own. List columns hold identifiers
separated by commas. Named 0003_* by the brief that added it; it follows 0004.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("additional_fsrar_ids", sa.Text()),
    ("vetis_business_entity_guid", sa.String(36)),
    ("vetis_enterprise_guids", sa.Text()),
    ("gismt_participant_inn", sa.String(12)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("organizations", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        for name, _kind in reversed(COLUMNS):
            batch.drop_column(name)
