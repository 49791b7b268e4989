"""The figures each form contributes to the 汇总, in a table of their own kept in step with the forms.

Aggregating a round then reads this indexed table instead of parsing every document. The existing
forms' figures are written here, from their documents, by the same code every save uses.

Revision ID: 0007
Revises: 0006
Create Date: hand-written
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_AMOUNTS = ("requested", "arranged", "src_public", "src_funds", "src_other", "budget", "allotted", "issued", "spent",
            "score", "eval_amount")
_COUNTS = ("red_alerts", "yellow_alerts", "impossible")


def upgrade() -> None:
    op.create_table(
        "form_figures",
        sa.Column("form_instance_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("supervisor_code", sa.String(64), nullable=False),
        sa.Column("supervisor_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(64), nullable=False),
        sa.Column("round", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=True) for name in _AMOUNTS),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in _COUNTS),
        sa.Column("measures", sa.Text(), nullable=False, server_default=""),
        sa.Column("grade", sa.String(20), nullable=True),
        sa.Column("grade_rank", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["form_instance_id"], ["form_instances.id"], ondelete="CASCADE",
                                name="fk_form_figures_form_instance_id_form_instances"),
        sa.PrimaryKeyConstraint("form_instance_id", name="pk_form_figures"),
    )
    op.create_index("ix_form_figures_round", "form_figures", ["year", "round", "current"])
    op.create_index("ix_form_figures_key", "form_figures", ["unit_id", "year", "form_id", "period", "subject"])
    _backfill(op.get_bind())


def _backfill(conn) -> None:
    from perfdesk.domain.figures import ROUNDS
    from perfdesk.store.figure_store import refresh_figures

    ids = conn.execute(sa.text("SELECT id FROM form_instances WHERE form_id IN :ids ORDER BY id")
                       .bindparams(sa.bindparam("ids", expanding=True)), {"ids": list(ROUNDS)}).scalars().all()
    for form_instance_id in ids:
        refresh_figures(conn, form_instance_id)


def downgrade() -> None:
    op.drop_index("ix_form_figures_key", table_name="form_figures")
    op.drop_index("ix_form_figures_round", table_name="form_figures")
    op.drop_table("form_figures")
