"""Store side of packages: migration 0002 on an existing 0001 database, identities, the trust
registry, the inbox, form uids, and receive_form's version rules."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

from perfdesk.domain.lifecycle import Action, Actor, Status, find_move
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from perfdesk.store import FormRecord, Store, StoreError
from perfdesk.store.engine import MIGRATIONS

UNIT = dict(name="长治市第一中学", code="201003", supervisor_name="长治市教育局", supervisor_code="201",
            region="长治市", level="市级", profile="changzhi")
FP = "AB12" * 16


def _config(conn) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def test_head_is_newest_migration_file():
    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    newest = max(p.name.split("_")[0] for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert head == newest == "0008"


def test_0001_database_with_forms_upgrades_in_place(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001")
        conn.exec_driver_sql(
            "INSERT INTO units (name, code, supervisor_name, supervisor_code, region, level, profile, created_at) "
            "VALUES ('长治市第一中学', '201003', '长治市教育局', '201', '长治市', '市级', 'changzhi', '2025-01-01 00:00:00')")
        conn.exec_driver_sql(
            "INSERT INTO form_instances (unit_id, form_id, form_version, year, title, status, data, amount, "
            "created_at, updated_at) VALUES (1, 'declaration', 1, 2026, '旧表单', '草稿', '{\"a\":\"1\"}', '1.50', "
            "'2025-01-01 00:00:00', '2025-01-01 00:00:00')")
    engine.dispose()
    store = Store(url)
    try:
        form = store.get_form(1)
        assert (form.title, form.data, form.amount, form.uid, form.package_version) == \
            ("旧表单", {"a": "1"}, Decimal("1.50"), None, None)
        assert store.identities() == [] and store.trusted_keys() == [] and store.inbox() == []
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "old.db") as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0008",)]
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_downgrade_to_0001_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    Store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0001")
    with engine.begin() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "inbox" not in names and "identities" not in names
    engine.dispose()
    Store(url).close()  # upgrades again


def test_form_records_keep_their_old_shape():
    # Callers that build FormRecord without the new fields keep working.
    now = dt.datetime.now(dt.timezone.utc)
    record = FormRecord(1, 1, "declaration", 1, 2027, "t", "草稿", {}, None, now, now, None)
    assert record.uid is None and record.package_version is None


def test_form_uid_is_stable(store):
    unit = store.add_unit(**UNIT)
    form = store.create_form(unit_id=unit.id, form_id="declaration", form_version=1, year=2027, title="t", data={})
    uid = store.ensure_form_uid(form.id)
    assert len(uid) == 36 and store.ensure_form_uid(form.id) == uid
    assert store.form_by_uid(uid).id == form.id and store.form_by_uid("nope") is None
    store.transition(form.id, find_move(Action.CHECK, Status.DRAFT))
    store.transition(form.id, find_move(Action.SUBMIT, Status.CHECKED), package_version=3, round="一上")
    got = store.get_form(form.id)
    assert (got.package_version, got.status, got.uid) == (3, Status.SUBMITTED, uid)
    [event] = store.events(form.id)
    assert (event.action, event.source, event.target, event.round) == (Action.SUBMIT, Status.CHECKED,
                                                                       Status.SUBMITTED, "一上")


def test_identities(store):
    unit = store.add_unit(**UNIT)
    until = dt.datetime(2031, 1, 1, tzinfo=dt.timezone.utc)
    first = store.add_identity(unit.id, fingerprint=FP, cert_pem="c1", key_pem="k1", source="self-issued",
                               not_after=until)
    with pytest.raises(StoreError, match="已保存"):
        store.add_identity(unit.id, fingerprint=FP, cert_pem="c", key_pem="k", source="x", not_after=until)
    second = store.add_identity(unit.id, fingerprint="CD34" * 16, cert_pem="c2", key_pem="k2",
                                source="pkcs12", not_after=until)
    assert store.identity_for_unit(unit.id) == second
    assert store.identities() == [first, second]
    assert first.not_after == until
    with pytest.raises(StoreError, match="找不到"):
        store.add_identity(999, fingerprint="EF56" * 16, cert_pem="c", key_pem="k", source="x", not_after=until)


def test_trust_registry(store):
    row = store.add_trusted_key(unit_code="201003", unit_name="201003", role="unit", fingerprint=FP)
    assert row.cert_pem is None and row.source == "registration"
    again = store.add_trusted_key(unit_code="201003", unit_name="201003", role="unit", fingerprint=FP)
    assert again.id == row.id and len(store.trusted_keys()) == 1
    with pytest.raises(StoreError, match="名下"):
        store.add_trusted_key(unit_code="310021", unit_name="另一单位", role="unit", fingerprint=FP)
    with pytest.raises(StoreError, match="名下"):
        store.add_trusted_key(unit_code="201003", unit_name="x", role="office", fingerprint=FP)
    assert store.trusted_keys("201003")[0].fingerprint == FP and store.trusted_keys("310021") == []
    assert store.remove_trusted_key(FP) and not store.remove_trusted_key(FP)
    assert store.trusted_key(FP) is None


def _receive(store, version, data, *, sha="f" * 64, data_sha=None, code="201003", uid="u" * 36):
    return store.receive_form(
        unit=dict(UNIT, code=code), trust=dict(unit_code=code, unit_name="长治市第一中学", role="unit",
                                               fingerprint=FP if code == "201003" else "CD34" * 16,
                                               cert_pem="PEM", source="first-import"),
        entry=dict(file_sha256=sha, file_name="p.pdpkg", reason="", kind="form", data_sha256=data_sha or sha),
        form=dict(form_id="declaration", form_version=1, year=2027, title=f"v{version}", data=data,
                  amount=Decimal("1"), uid=uid, version=version),
        move=lambda status: find_move(Action.RECEIVE, status, actor=Actor.FINANCE_DEPT))


def test_receive_form_version_rules(store):
    first = _receive(store, 1, {"v": "1"}, sha="1" * 64)
    assert first.outcome == "imported"
    assert store.trusted_key(FP).cert_pem == "PEM" and store.unit_by_code("201003") is not None
    assert _receive(store, 1, {"v": "1"}, sha="9" * 64, data_sha="1" * 64).outcome == "duplicate"
    assert _receive(store, 1, {"v": "x"}, sha="8" * 64).outcome == "conflict"
    updated = _receive(store, 3, {"v": "3"}, sha="3" * 64)
    assert updated.outcome == "updated" and updated.form_instance_id == first.form_instance_id
    assert _receive(store, 2, {"v": "2"}, sha="2" * 64).outcome == "older"
    form = store.get_form(first.form_instance_id)
    assert (form.package_version, form.data, form.title) == (3, {"v": "3"}, "v3")
    assert [r.data for r in store.revisions(form.id)] == [{"v": "1"}]
    assert [e.status for e in store.inbox()] == ["已更新", "已导入"]
    # The same uid claimed by another unit's package is refused.
    assert _receive(store, 4, {"v": "4"}, code="310021").outcome == "conflict"


def test_receive_brings_a_deleted_form_back(store):
    got = _receive(store, 1, {"v": "1"}, sha="1" * 64)
    store.delete_form(got.form_instance_id)
    assert _receive(store, 2, {"v": "2"}, sha="2" * 64).outcome == "updated"
    assert store.get_form(got.form_instance_id).deleted_at is None


def test_rejections_are_noted_once(store):
    for _ in range(3):
        store.log_rejected(file_sha256="a" * 64, file_name="bad.pdpkg", reason="签名无效")
    store.log_rejected(file_sha256="a" * 64, file_name="bad.pdpkg", reason="版本较旧")
    assert [e.reason for e in store.inbox()] == ["版本较旧", "签名无效"]
    assert store.imported_file("a" * 64) is None


def test_purging_a_form_keeps_its_inbox_entries(store):
    got = _receive(store, 1, {"v": "1"}, sha="1" * 64)
    assert store.imported_file("1" * 64).form_instance_id == got.form_instance_id
    store.purge_form(got.form_instance_id)
    entry = store.inbox()[0]
    assert entry.form_instance_id is None and entry.status == "已导入"
