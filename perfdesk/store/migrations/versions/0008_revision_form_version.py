"""A kept revision names the form version its document was written under, so that restoring the
content a form had before an upgrade to a new form version brings that version back with it.

Revision ID: 0008
Revises: 0007
Create Date: hand-written
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        # NULL for the revisions kept before: written under the form's version of the time, which
        # no upgrade could have changed yet.
        batch.add_column(sa.Column("form_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("form_version")
