"""The schema as SQLAlchemy Core tables: what Store reads and writes (it uses no ORM, so opening the
app never imports sqlalchemy.orm). Kept in step with migrations/versions by tests/test_store.py."""

from __future__ import annotations

from sqlalchemy import (BigInteger, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table,
                        Text)

from perfdesk.domain.lifecycle import Status

# Named constraints let future Alembic batch migrations on SQLite find and alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

UTCDateTime = DateTime(timezone=True)  # SQLite keeps no zone: every stored time is UTC


def _required(name: str, type_, *args, **kw) -> Column:
    return Column(name, type_, *args, nullable=False, **kw)


def _optional(name: str, type_, *args, **kw) -> Column:
    return Column(name, type_, *args, nullable=True, **kw)


# A budget unit (预算单位) that fills in forms; a finance office is a unit too.
units = Table(
    "units", metadata,
    Column("id", Integer, primary_key=True),
    _required("name", String(200)),  # 单位名称
    _required("code", String(64), unique=True),  # 单位编码
    _required("supervisor_name", String(200)),  # 主管部门
    _required("supervisor_code", String(64)),  # 主管部门编码
    _required("region", String(100)),  # 地区
    _required("level", String(20)),  # 市级 / 县级
    _required("profile", String(64)),  # rules profile id
    _required("created_at", UTCDateTime),
)

# One filled-in form; data is the canonical JSON document.
form_instances = Table(
    "form_instances", metadata,
    Column("id", Integer, primary_key=True),
    # RESTRICT: a unit with forms must not vanish and orphan them.
    _required("unit_id", Integer, ForeignKey("units.id", ondelete="RESTRICT")),
    _required("form_id", String(64)),
    _required("form_version", Integer),
    _required("year", Integer),
    _required("title", Text),
    _required("status", Text, default=Status.DRAFT.value),  # a lifecycle code (domain/lifecycle.py)
    _required("data", Text),
    _optional("amount", Text),  # Decimal as text, never a float
    _required("created_at", UTCDateTime),
    _required("updated_at", UTCDateTime),
    _optional("deleted_at", UTCDateTime),  # set = in recycle bin
    # Identity across stores: the unit's and the finance office's copies share it (0002).
    _optional("uid", String(36)),
    # Version of the last submission package built (unit) or received (finance office).
    _optional("package_version", Integer),
    # Counted up by every change of content; a save names the version it was based on (0005).
    _required("version", Integer, server_default="1"),
    _optional("updated_by", String(200)),  # the clerk (user@computer) who wrote that version
    Index("ix_form_instances_year_form_id", "year", "form_id"),
    Index("ix_form_instances_uid", "uid", unique=True),
)

# A previous version of a form's data, kept when a save changes it.
revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True),
    _required("form_instance_id", Integer, ForeignKey("form_instances.id", ondelete="CASCADE"), index=True),
    _required("saved_at", UTCDateTime),
    _required("data", Text),
    _required("title", Text),
    _optional("label", Text),  # what this version was, e.g. 审核通过的第 3 版 (0004)
    _optional("form_version", Integer),  # the form version it was written under; NULL before 0008
)

# Every move of a form through its lifecycle (0004): who took it, in which round, with what opinion.
form_events = Table(
    "form_events", metadata,
    Column("id", Integer, primary_key=True),
    _required("form_instance_id", Integer, ForeignKey("form_instances.id", ondelete="CASCADE"), index=True),
    _required("at", UTCDateTime),
    _required("action", String(40)),  # lifecycle.Action
    _optional("source", String(40)),  # lifecycle.Status before; none for a copy that arrived
    _required("target", String(40)),  # lifecycle.Status after
    _optional("actor", String(40)),  # lifecycle.Actor
    _optional("actor_name", Text),  # the unit or office, and the reviewer where named
    _optional("round", String(20)),  # lifecycle.Round (一上, 二上 …) or its answer (一下, 二下 …)
    _optional("package_version", Integer),
    _optional("opinion", Text),
    _optional("letter", Text),
    _optional("detail", Text),  # JSON: reasons per field, cells filled, the package's signer
)

# This store's own signing key for a unit (or the finance office), kept encrypted.
identities = Table(
    "identities", metadata,
    Column("id", Integer, primary_key=True),
    _required("unit_id", Integer, ForeignKey("units.id", ondelete="RESTRICT"), index=True),
    _required("fingerprint", String(64), unique=True),  # SHA-256 of the SPKI, hex
    _required("cert_pem", Text),
    _required("key_pem", Text),  # PKCS#8, encrypted under the user's passphrase
    _required("source", String(20)),  # self-issued | pkcs12
    _required("not_after", UTCDateTime),
    _required("created_at", UTCDateTime),
)

# A public key this store accepts packages from: a unit's (office side) or the office's.
trusted_keys = Table(
    "trusted_keys", metadata,
    Column("id", Integer, primary_key=True),
    _required("unit_code", String(64), index=True),
    _required("unit_name", String(200)),
    _required("role", String(20)),  # unit | office
    _required("fingerprint", String(64), unique=True),
    _optional("cert_pem", Text),  # known after the first package
    _required("source", String(20)),  # registration | first-import
    _required("added_at", UTCDateTime),
)

# Every package offered to this store: what it was, who signed it, and what became of it.
inbox = Table(
    "inbox", metadata,
    Column("id", Integer, primary_key=True),
    _required("file_sha256", String(64), index=True),
    _required("file_name", Text),
    _optional("kind", String(20)),  # form | review
    _required("status", String(20)),  # 已导入 | 已更新 | 已拒绝
    _required("reason", Text),
    _optional("unit_code", String(64)),
    _optional("signer_name", Text),
    _optional("signer_fingerprint", String(64)),
    _optional("form_uid", String(36)),
    _optional("package_version", Integer),
    _optional("data_sha256", String(64)),  # of the form data, to spot rebuilds
    _optional("signed_at", UTCDateTime),
    _optional("detail", Text),  # JSON: a review's decision and letter
    # SET NULL: purging a form keeps the record that its package once arrived.
    _optional("form_instance_id", Integer, ForeignKey("form_instances.id", ondelete="SET NULL"), index=True),
    _required("received_at", UTCDateTime),
)

# A received package kept whole (0004), at a 主管部门: what it forwards to the finance office (a unit's
# form) or relays down to the unit (the office's answer) must travel untouched, signature and all.
kept_packages = Table(
    "kept_packages", metadata,
    Column("id", Integer, primary_key=True),
    _required("form_instance_id", Integer, ForeignKey("form_instances.id", ondelete="CASCADE"), index=True),
    _required("kind", String(20)),  # form | review
    _required("package_version", Integer),
    _required("file_sha256", String(64)),
    _required("payload", LargeBinary),
    _required("kept_at", UTCDateTime),
)

# The finance office's register of the units it oversees (0006), imported from an XLSX list; a
# unit's forms arrive under the same code in `units`.
office_units = Table(
    "office_units", metadata,
    Column("id", Integer, primary_key=True),
    _required("code", String(64), unique=True),  # 单位编码
    _required("name", String(200)),  # 单位名称
    _required("supervisor_code", String(64), index=True),  # 主管部门编码
    _required("supervisor_name", String(200)),  # 主管部门
    _optional("contact", String(100)),  # 联系人
    _optional("phone", String(50)),  # 联系电话
    _required("added_at", UTCDateTime),
)

# A round of work sent down (下发, 0006): at the office the rounds it defined, at a unit the
# rounds it received in a signed task package (origin). deadlines: JSON {form_id: {due, source}};
# unit_codes: JSON list of the units that must hand in.
tasks = Table(
    "tasks", metadata,
    Column("id", Integer, primary_key=True),
    _required("uid", String(36), unique=True),
    _required("origin", String(20)),  # own | received
    _required("year", Integer),
    _required("title", Text),
    _optional("note", Text),
    _required("office_code", String(64)),
    _required("office_name", String(200)),
    _required("issued_on", String(10)),  # ISO date the round was sent down
    _required("deadlines", Text),
    _required("unit_codes", Text),
    _required("version", Integer, server_default="1"),
    _required("created_at", UTCDateTime),
)

# A unit's signed 空数据说明 (0006): nothing to report for one kind of form of a round; counts
# as handed in. A newer version replaces the older one where the office chose 覆盖.
empty_statements = Table(
    "empty_statements", metadata,
    Column("id", Integer, primary_key=True),
    _required("uid", String(36), unique=True),
    _required("task_uid", String(36), index=True),
    _required("unit_code", String(64)),
    _required("unit_name", String(200)),
    _required("form_id", String(64)),
    _required("year", Integer),
    _required("reason", Text),
    _optional("contact", String(100)),
    _optional("phone", String(50)),
    _required("version", Integer),
    _required("signed_at", UTCDateTime),
    _required("received_at", UTCDateTime),
    _optional("signer_fingerprint", String(64)),
    Index("ix_empty_statements_task_unit_form", "task_uid", "unit_code", "form_id", unique=True),
)

# Settings of this installation (0003): see store.SETTING_*; the value is canonical JSON.
settings = Table(
    "settings", metadata,
    Column("key", String(100), primary_key=True),
    _required("value", Text),
)

# The figures each form contributes to the 汇总 (0007), kept in step with its document in the same
# transaction as every write of the form (store/figures.py); aggregation reads only this table.
# One row per live form that feeds a round (domain/figures.py ROUNDS); amounts as integers of
# 1/10,000 万元, so SUM is exact. `current` is 1 for the newest form of its unit, year, kind, period
# and project: a newer one from the same unit supersedes it.
form_figures = Table(
    "form_figures", metadata,
    Column("form_instance_id", Integer, ForeignKey("form_instances.id", ondelete="CASCADE"), primary_key=True),
    _required("unit_id", Integer),
    _required("unit_code", String(64)),
    _required("unit_name", String(200)),
    _required("supervisor_code", String(64)),
    _required("supervisor_name", String(200)),
    _required("year", Integer),
    _required("form_id", String(64)),
    _required("round", String(20)),  # declaration | monitoring | evaluation
    _required("scope", String(20)),  # project | department
    _required("subject", Text),  # the project's name ("" for a department's whole spending)
    _required("period", Integer),  # a monitoring round's last month; 0 otherwise
    _required("status", String(40)),
    _required("current", Integer),
    *(_optional(name, BigInteger) for name in ("requested", "arranged", "src_public", "src_funds", "src_other",
                                               "budget", "allotted", "issued", "spent", "score", "eval_amount")),
    *(_required(name, Integer, server_default="0") for name in ("red_alerts", "yellow_alerts", "impossible")),
    _required("measures", Text, server_default=""),
    _optional("grade", String(20)),
    _optional("grade_rank", Integer),
    Index("ix_form_figures_round", "year", "round", "current"),
    Index("ix_form_figures_key", "unit_id", "year", "form_id", "period", "subject"),
)
