"""ORM classes over the Core tables in tables.py, for scripts and benches that want them (e.g.
`insert(FormInstance)`). Store itself uses no ORM: importing this module costs sqlalchemy.orm."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped

from . import tables
from .tables import NAMING, UTCDateTime  # noqa: F401 - kept importable from here


class Base(DeclarativeBase):
    metadata = tables.metadata


class Unit(Base):
    """A budget unit (预算单位) that fills in forms."""

    __table__ = tables.units

    id: Mapped[int]
    name: Mapped[str]
    code: Mapped[str]
    supervisor_name: Mapped[str]
    supervisor_code: Mapped[str]
    region: Mapped[str]
    level: Mapped[str]
    profile: Mapped[str]
    created_at: Mapped[datetime]


class FormInstance(Base):
    """One filled-in form; data is the canonical JSON document."""

    __table__ = tables.form_instances

    id: Mapped[int]
    unit_id: Mapped[int]
    form_id: Mapped[str]
    form_version: Mapped[int]
    year: Mapped[int]
    title: Mapped[str]
    status: Mapped[str]
    data: Mapped[str]
    amount: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    uid: Mapped[str | None]
    package_version: Mapped[int | None]


class Revision(Base):
    """A previous version of a form's data, kept when a save changes it."""

    __table__ = tables.revisions

    id: Mapped[int]
    form_instance_id: Mapped[int]
    saved_at: Mapped[datetime]
    data: Mapped[str]
    title: Mapped[str]


class Identity(Base):
    """This store's own signing key for a unit (or the finance office), kept encrypted."""

    __table__ = tables.identities

    id: Mapped[int]
    unit_id: Mapped[int]
    fingerprint: Mapped[str]
    cert_pem: Mapped[str]
    key_pem: Mapped[str]
    source: Mapped[str]
    not_after: Mapped[datetime]
    created_at: Mapped[datetime]


class TrustedKey(Base):
    """A public key this store accepts packages from: a unit's (office side) or the office's."""

    __table__ = tables.trusted_keys

    id: Mapped[int]
    unit_code: Mapped[str]
    unit_name: Mapped[str]
    role: Mapped[str]
    fingerprint: Mapped[str]
    cert_pem: Mapped[str | None]
    source: Mapped[str]
    added_at: Mapped[datetime]


class InboxEntry(Base):
    """Every package offered to this store: what it was, who signed it, and what became of it."""

    __table__ = tables.inbox

    id: Mapped[int]
    file_sha256: Mapped[str]
    file_name: Mapped[str]
    kind: Mapped[str | None]
    status: Mapped[str]
    reason: Mapped[str]
    unit_code: Mapped[str | None]
    signer_name: Mapped[str | None]
    signer_fingerprint: Mapped[str | None]
    form_uid: Mapped[str | None]
    package_version: Mapped[int | None]
    data_sha256: Mapped[str | None]
    signed_at: Mapped[datetime | None]
    detail: Mapped[str | None]
    form_instance_id: Mapped[int | None]
    received_at: Mapped[datetime]


class Setting(Base):
    """One setting of this installation (see store.SETTING_*), its value as canonical JSON."""

    __table__ = tables.settings

    key: Mapped[str]
    value: Mapped[str]
