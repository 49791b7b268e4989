"""The finance office's desk: its register of units, the rounds it sends down (tasks, also kept at
the unit that received them) and the units' 空数据说明.

Revision ID: 0006
Revises: 0005
Create Date: hand-written
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "office_units",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("supervisor_code", sa.String(64), nullable=False),
        sa.Column("supervisor_name", sa.String(200), nullable=False),
        sa.Column("contact", sa.String(100), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("added_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_office_units"),
        sa.UniqueConstraint("code", name="uq_office_units_code"),
    )
    op.create_index("ix_office_units_supervisor_code", "office_units", ["supervisor_code"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("office_code", sa.String(64), nullable=False),
        sa.Column("office_name", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.String(10), nullable=False),
        sa.Column("deadlines", sa.Text(), nullable=False),
        sa.Column("unit_codes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.UniqueConstraint("uid", name="uq_tasks_uid"),
    )
    op.create_table(
        "empty_statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("task_uid", sa.String(36), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(100), nullable=True),
        sa.Column("phone", sa.String(50), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signed_at", _WHEN, nullable=False),
        sa.Column("received_at", _WHEN, nullable=False),
        sa.Column("signer_fingerprint", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_empty_statements"),
        sa.UniqueConstraint("uid", name="uq_empty_statements_uid"),
    )
    op.create_index("ix_empty_statements_task_uid", "empty_statements", ["task_uid"])
    op.create_index("ix_empty_statements_task_unit_form", "empty_statements",
                    ["task_uid", "unit_code", "form_id"], unique=True)


def downgrade() -> None:
    op.drop_table("empty_statements")
    op.drop_table("tasks")
    op.drop_index("ix_office_units_supervisor_code", "office_units")
    op.drop_table("office_units")
