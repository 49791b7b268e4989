"""Submission packages: form identity and version, signing identities, trust registry, inbox.

Revision ID: 0002
Revises: 0001
Create Date: hand-written
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Written out by hand, like 0001, so that later model changes never alter this revision.


def upgrade() -> None:
    # Nullable columns only: SQLite adds them in place, existing forms simply have none yet.
    with op.batch_alter_table("form_instances") as batch:
        batch.add_column(sa.Column("uid", sa.String(36), nullable=True))
        batch.add_column(sa.Column("package_version", sa.Integer(), nullable=True))
    op.create_index("ix_form_instances_uid", "form_instances", ["uid"], unique=True)
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("cert_pem", sa.Text(), nullable=False),
        sa.Column("key_pem", sa.Text(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], ondelete="RESTRICT",
                                name="fk_identities_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_identities"),
        sa.UniqueConstraint("fingerprint", name="uq_identities_fingerprint"),
    )
    op.create_index("ix_identities_unit_id", "identities", ["unit_id"])
    op.create_table(
        "trusted_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("cert_pem", sa.Text(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_trusted_keys"),
        sa.UniqueConstraint("fingerprint", name="uq_trusted_keys_fingerprint"),
    )
    op.create_index("ix_trusted_keys_unit_code", "trusted_keys", ["unit_code"])
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=True),
        sa.Column("signer_name", sa.Text(), nullable=True),
        sa.Column("signer_fingerprint", sa.String(64), nullable=True),
        sa.Column("form_uid", sa.String(36), nullable=True),
        sa.Column("package_version", sa.Integer(), nullable=True),
        sa.Column("data_sha256", sa.String(64), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("form_instance_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["form_instance_id"], ["form_instances.id"], ondelete="SET NULL",
                                name="fk_inbox_form_instance_id_form_instances"),
        sa.PrimaryKeyConstraint("id", name="pk_inbox"),
    )
    op.create_index("ix_inbox_file_sha256", "inbox", ["file_sha256"])
    op.create_index("ix_inbox_form_instance_id", "inbox", ["form_instance_id"])


def downgrade() -> None:
    op.drop_index("ix_inbox_form_instance_id", table_name="inbox")
    op.drop_index("ix_inbox_file_sha256", table_name="inbox")
    op.drop_table("inbox")
    op.drop_index("ix_trusted_keys_unit_code", table_name="trusted_keys")
    op.drop_table("trusted_keys")
    op.drop_index("ix_identities_unit_id", table_name="identities")
    op.drop_table("identities")
    op.drop_index("ix_form_instances_uid", table_name="form_instances")
    with op.batch_alter_table("form_instances") as batch:
        batch.drop_column("package_version")
        batch.drop_column("uid")
