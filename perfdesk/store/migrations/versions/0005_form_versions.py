"""Two clerks on one database: every form counts its versions and names who wrote the last one.

A save carries the version it was based on (Store.save_form(based_on=...)); a save over a newer
version is refused (FormConflict) instead of silently overwriting the other clerk's work.

Revision ID: 0005
Revises: 0004
Create Date: hand-written
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("form_instances") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("updated_by", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("form_instances") as batch:
        batch.drop_column("updated_by")
        batch.drop_column("version")
