"""ORM tables. Kept in step with migrations/versions by tests/test_store.py (no drift check fails)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let future Alembic batch migrations on SQLite find and alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


UTCDateTime = DateTime(timezone=True)


class Unit(Base):
    """A budget unit (预算单位) that fills in forms."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # 单位名称
    code: Mapped[str] = mapped_column(String(64), unique=True)  # 单位编码
    supervisor_name: Mapped[str] = mapped_column(String(200))  # 主管部门
    supervisor_code: Mapped[str] = mapped_column(String(64))  # 主管部门编码
    region: Mapped[str] = mapped_column(String(100))  # 地区
    level: Mapped[str] = mapped_column(String(20))  # 市级 / 县级
    profile: Mapped[str] = mapped_column(String(64))  # rules profile id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FormInstance(Base):
    """One filled-in form; data is the canonical JSON document."""

    __tablename__ = "form_instances"
    __table_args__ = (
        Index("ix_form_instances_year_form_id", "year", "form_id"),
        Index("ix_form_instances_uid", "uid", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # RESTRICT: a unit with forms must not vanish and orphan them.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text, default="草稿")
    data: Mapped[str] = mapped_column(Text)
    amount: Mapped[str | None] = mapped_column(Text)  # Decimal as text, never a float
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set = in recycle bin
    # Identity across stores: the unit's and the finance office's copies share it (0002).
    uid: Mapped[str | None] = mapped_column(String(36))
    # Version of the last submission package built (unit) or received (finance office).
    package_version: Mapped[int | None] = mapped_column(Integer)


class Revision(Base):
    """A previous version of a form's data, kept when a save changes it."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_instance_id: Mapped[int] = mapped_column(
        ForeignKey("form_instances.id", ondelete="CASCADE"), index=True
    )
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)


class Identity(Base):
    """This store's own signing key for a unit (or the finance office), kept encrypted."""

    __tablename__ = "identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the SPKI, hex
    cert_pem: Mapped[str] = mapped_column(Text)
    key_pem: Mapped[str] = mapped_column(Text)  # PKCS#8, encrypted under the user's passphrase
    source: Mapped[str] = mapped_column(String(20))  # self-issued | pkcs12
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TrustedKey(Base):
    """A public key this store accepts packages from: a unit's (office side) or the office's."""

    __tablename__ = "trusted_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(64), index=True)
    unit_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # unit | office
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    cert_pem: Mapped[str | None] = mapped_column(Text)  # known after the first package
    source: Mapped[str] = mapped_column(String(20))  # registration | first-import
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InboxEntry(Base):
    """Every package offered to this store: what it was, who signed it, and what became of it."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))  # form | review
    status: Mapped[str] = mapped_column(String(20))  # 已导入 | 已更新 | 已拒绝
    reason: Mapped[str] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(String(64))
    signer_name: Mapped[str | None] = mapped_column(Text)
    signer_fingerprint: Mapped[str | None] = mapped_column(String(64))
    form_uid: Mapped[str | None] = mapped_column(String(36))
    package_version: Mapped[int | None] = mapped_column(Integer)
    data_sha256: Mapped[str | None] = mapped_column(String(64))  # of the form data, to spot rebuilds
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(Text)  # JSON: a review's decision and letter
    # SET NULL: purging a form keeps the record that its package once arrived.
    form_instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_instances.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Setting(Base):
    """One setting of this installation (see store.SETTING_*), its value as canonical JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
