"""The form lifecycle: statuses stored as codes, the history of every move, labelled revisions.

Revision ID: 0004
Revises: 0003
Create Date: hand-written
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Written out by hand, like the earlier revisions, so that later changes never alter this one.
# The statuses as the program stored them before (Chinese words) and the codes of
# perfdesk.domain.lifecycle.Status they become. 已导出 was printing, not a step of the chain:
# such a form is 已校验 again, and its history says it was exported.
OLD_TO_NEW = {"草稿": "draft", "已校验": "checked", "已导出": "checked", "已报送": "submitted",
              "待修改": "returned", "审核通过": "approved", "已收到": "dept_review"}
NEW_TO_OLD = {"draft": "草稿", "checked": "已校验", "submitted": "已报送", "returned": "待修改",
              "approved": "审核通过", "dept_review": "已收到"}


def upgrade() -> None:
    op.create_table(
        "form_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_instance_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("source", sa.String(40), nullable=True),
        sa.Column("target", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(40), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=True),
        sa.Column("round", sa.String(20), nullable=True),
        sa.Column("package_version", sa.Integer(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("letter", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["form_instance_id"], ["form_instances.id"], ondelete="CASCADE",
                                name="fk_form_events_form_instance_id_form_instances"),
        sa.PrimaryKeyConstraint("id", name="pk_form_events"),
    )
    op.create_index("ix_form_events_form_instance_id", "form_events", ["form_instance_id"])
    with op.batch_alter_table("revisions") as batch:
        batch.add_column(sa.Column("label", sa.Text(), nullable=True))
    op.create_table(
        "kept_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_instance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("package_version", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["form_instance_id"], ["form_instances.id"], ondelete="CASCADE",
                                name="fk_kept_packages_form_instance_id_form_instances"),
        sa.PrimaryKeyConstraint("id", name="pk_kept_packages"),
    )
    op.create_index("ix_kept_packages_form_instance_id", "kept_packages", ["form_instance_id"])
    forms = sa.table("form_instances", sa.column("id", sa.Integer), sa.column("status", sa.Text))
    events = sa.table("form_events", sa.column("form_instance_id", sa.Integer),
                      sa.column("at", sa.DateTime(timezone=True)), sa.column("action", sa.String),
                      sa.column("source", sa.String), sa.column("target", sa.String),
                      sa.column("detail", sa.Text))
    conn = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc)
    for form_id, old in conn.execute(sa.select(forms.c.id, forms.c.status)).all():
        new = OLD_TO_NEW.get(old, "draft")
        conn.execute(sa.update(forms).where(forms.c.id == form_id).values(status=new))
        # The history starts with what the old status said, so nothing it told the clerk is lost.
        conn.execute(sa.insert(events).values(form_instance_id=form_id, at=now, action="migrate", source=None,
                                              target=new,
                                              detail=json.dumps({"old_status": old}, ensure_ascii=False)))


def downgrade() -> None:
    forms = sa.table("form_instances", sa.column("id", sa.Integer), sa.column("status", sa.Text))
    conn = op.get_bind()
    for form_id, new in conn.execute(sa.select(forms.c.id, forms.c.status)).all():
        conn.execute(sa.update(forms).where(forms.c.id == form_id).values(status=NEW_TO_OLD.get(new, "草稿")))
    op.drop_index("ix_kept_packages_form_instance_id", "kept_packages")
    op.drop_table("kept_packages")
    with op.batch_alter_table("revisions") as batch:
        batch.drop_column("label")
    op.drop_index("ix_form_events_form_instance_id", "form_events")
    op.drop_table("form_events")
