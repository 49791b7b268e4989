"""Storage layer: migrations, SQLite settings, units, forms, revisions, recycle bin."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from datetime import timezone
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from dataclasses import asdict, fields

from sqlalchemy import event

from perfdesk.store import FormRecord, FormSummary, Store, StoreError, UnitRecord, default_url
from perfdesk.store import tables
from perfdesk.domain.lifecycle import Action, Status, find_move

UNIT = dict(name="长治市财政局", code="101001", supervisor_name="长治市财政局",
            supervisor_code="101", region="长治市", level="市级", profile="changzhi")

DOC = {
    "project": "城区道路维修改造项目",
    "amounts": {"total": "12345678.1234", "fiscal": "0.0001", "other": "-5.50"},
    "rows": [{"指标": "完成率", "值": "100%", "ok": True, "n": 3, "note": None}],
}


@pytest.fixture
def store(db_url):
    s = Store(db_url)
    yield s
    s.close()
    # Every test that used the file store must leave a sound database behind.
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def raw(store, sql: str, **params) -> list[tuple]:
    """Rows of a query run on the database itself, past the store."""
    with store.engine.begin() as conn:
        result = conn.execute(text(sql), params)
        return [tuple(r) for r in result] if result.returns_rows else []


@pytest.fixture
def unit(store) -> UnitRecord:
    return store.add_unit(**UNIT)


def new_form(store, unit, *, year=2025, form_id="declaration", data=None, title="申报表") -> FormRecord:
    return store.create_form(unit_id=unit.id, form_id=form_id, form_version=1, year=year,
                             title=title, data=DOC if data is None else data,
                             amount=Decimal("12345678.1234"))


# --- opening and migrating ------------------------------------------------------------

def test_fresh_file_gets_tables_and_head_revision(store):
    names = set(inspect(store.engine).get_table_names())
    assert {"units", "form_instances", "revisions", "alembic_version"} <= names
    versions = Path(__file__).resolve().parents[1] / "perfdesk" / "store" / "migrations" / "versions"
    newest = max(p.name.split("_")[0] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert raw(store, "SELECT version_num FROM alembic_version") == [(newest,)]


def test_second_store_on_same_file_reuses_schema_and_data(store, unit):
    again = Store(store.url)
    try:
        assert again.get_unit(unit.id) == unit
    finally:
        again.close()
    assert raw(store, "SELECT count(*) FROM alembic_version") == [(1,)]


def test_migrations_match_models(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert diff == []


@pytest.mark.sqlite_only
def test_file_db_uses_wal_foreign_keys_and_busy_timeout(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_in_memory_store_works_end_to_end():
    s = Store("sqlite://")
    try:
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        u = s.add_unit(**UNIT)
        f = new_form(s, u)
        assert s.get_form(f.id).data == DOC
        assert s.save_form(f.id, data={"x": "1"}) is True
        assert [r.data for r in s.revisions(f.id)] == [DOC]
    finally:
        s.close()


def test_malformed_url_raises_store_error_naming_it():
    with pytest.raises(StoreError, match="无法打开数据库 not a url"):
        Store("not a url")


def test_unreachable_database_raises_store_error(tmp_path):
    url = f"sqlite:///{tmp_path}/missing/dir/t.db"
    with pytest.raises(StoreError) as info:
        Store(url)
    assert str(info.value).startswith(f"无法打开数据库 {url}：")


def test_garbage_file_raises_store_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="无法打开数据库"):
        Store(f"sqlite:///{path}")


def test_database_from_newer_version_is_refused(store):
    raw(store, "UPDATE alembic_version SET version_num = '9999'")
    store.close()
    with pytest.raises(StoreError, match="无法打开数据库"):
        Store(store.url)


# --- default_url ----------------------------------------------------------------------

def test_default_url_honours_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PERFDESK_DB", f"sqlite:///{tmp_path}/env.db")
    assert default_url() == f"sqlite:///{tmp_path}/env.db"
    s = Store()
    try:
        assert s.url == f"sqlite:///{tmp_path}/env.db"
    finally:
        s.close()
    assert (tmp_path / "env.db").exists()


def test_default_url_without_env_uses_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("PERFDESK_DB", raising=False)
    folder = tmp_path / "data dir" / "PerfDesk"
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(folder))
    assert default_url() == f"sqlite:///{folder}/perfdesk.db"
    assert folder.is_dir()


# --- units ----------------------------------------------------------------------------

def test_unit_add_get_update_and_lookup(store):
    u = store.add_unit(**UNIT)
    assert u.name == "长治市财政局" and u.code == "101001" and u.level == "市级"
    assert u.created_at.tzinfo is timezone.utc
    assert store.get_unit(u.id) == u
    assert store.unit_by_code("101001") == u
    assert store.unit_by_code("nope") is None

    changed = store.update_unit(u.id, name="长治市教育局", level="县级")
    assert (changed.name, changed.level, changed.code) == ("长治市教育局", "县级", "101001")
    assert store.get_unit(u.id) == changed
    assert store.units() == [changed]


def test_duplicate_unit_code_is_refused(store, unit):
    with pytest.raises(StoreError, match="101001"):
        store.add_unit(**UNIT)
    other = store.add_unit(**{**UNIT, "code": "101002"})
    with pytest.raises(StoreError, match="101001"):
        store.update_unit(other.id, code="101001")
    assert [u.code for u in store.units()] == ["101001", "101002"]
    # Updating a unit to its own code is not a clash.
    assert store.update_unit(unit.id, code="101001").code == "101001"


def test_missing_unit_and_unknown_field(store, unit):
    with pytest.raises(StoreError, match="找不到编号为 999 的单位"):
        store.get_unit(999)
    with pytest.raises(TypeError):
        store.update_unit(unit.id, colour="red")
    with pytest.raises(StoreError, match="找不到编号为 999 的单位"):
        store.create_form(unit_id=999, form_id="declaration", form_version=1, year=2025,
                          title="x", data={})


def test_unit_with_forms_cannot_be_deleted(store, unit):
    new_form(store, unit)
    with pytest.raises(Exception), store.engine.begin() as conn:  # FK RESTRICT
        conn.execute(text("DELETE FROM units WHERE id = :id"), {"id": unit.id})
    assert store.get_unit(unit.id) == unit


# --- forms ----------------------------------------------------------------------------

def test_form_round_trip_is_exact(store, unit):
    f = new_form(store, unit)
    got = store.get_form(f.id)
    assert got == f
    assert got.data == DOC
    assert got.data["amounts"]["total"] == "12345678.1234"
    assert got.amount == Decimal("12345678.1234") and str(got.amount) == "12345678.1234"
    assert (got.status, got.form_id, got.year, got.deleted_at) == (Status.DRAFT, "declaration", 2025, None)
    assert got.created_at.tzinfo is timezone.utc and got.updated_at == got.created_at
    # Stored canonically: sorted keys, no spaces, Chinese kept as is.
    [(stored,)] = raw(store, "SELECT data FROM form_instances WHERE id = :id", id=f.id)
    assert stored.startswith('{"amounts":{"fiscal":"0.0001","other":"-5.50","total":"12345678.1234"}')
    assert "城区道路维修改造项目" in stored and ", " not in stored


def test_get_missing_form(store):
    with pytest.raises(StoreError, match="找不到编号为 42 的表单"):
        store.get_form(42)


def test_save_changes_add_one_revision_each_with_previous_data(store, unit):
    f = new_form(store, unit)
    v2 = {**DOC, "project": "第二版"}
    v3 = {**DOC, "project": "第三版"}

    assert store.save_form(f.id, data=v2, title="申报表（改）") is True
    after2 = store.get_form(f.id)
    assert after2.data == v2 and after2.title == "申报表（改）"
    assert after2.updated_at > f.updated_at
    revs = store.revisions(f.id)
    assert len(revs) == 1
    assert (revs[0].data, revs[0].title, revs[0].saved_at) == (DOC, "申报表", f.updated_at)

    # Same data (even with keys in another order) is not a change.
    reordered = dict(reversed(list(v2.items())))
    assert store.save_form(f.id, data=reordered) is False
    assert len(store.revisions(f.id)) == 1
    assert store.get_form(f.id).updated_at == after2.updated_at

    assert store.save_form(f.id, data=v3) is True
    revs = store.revisions(f.id)
    assert [r.data["project"] for r in revs] == ["城区道路维修改造项目", "第二版"]
    assert revs[1].saved_at == after2.updated_at
    assert store.get_form(f.id).data == v3


def test_title_amount_status_alone_make_no_revision(store, unit):
    f = new_form(store, unit)
    assert store.save_form(f.id, data=DOC, title="新标题", amount=Decimal("1.10"), has_errors=False) is False
    got = store.get_form(f.id)
    assert (got.title, got.amount, got.status) == ("新标题", Decimal("1.10"), Status.CHECKED)
    assert str(got.amount) == "1.10"
    assert store.revisions(f.id) == []
    store.save_form(f.id, data=DOC, has_errors=True)
    assert store.get_form(f.id).status is Status.DRAFT
    assert [e.action for e in store.events(f.id)] == []  # the checks' own moves are not history


def test_float_or_decimal_in_data_is_refused_with_key_path(store, unit):
    f = new_form(store, unit)
    bad = {"amounts": {"total": 1.5}}
    with pytest.raises(StoreError, match=r"\['amounts'\]\['total'\]"):
        store.save_form(f.id, data=bad)
    with pytest.raises(StoreError, match=r"\['rows'\]\[1\]"):
        store.save_form(f.id, data={"rows": ["1", Decimal("2")]})
    with pytest.raises(StoreError):
        store.create_form(unit_id=unit.id, form_id="x", form_version=1, year=2025,
                          title="x", data={"a": float("nan")})
    with pytest.raises(StoreError):
        store.save_form(f.id, data=DOC, amount=1.5)  # type: ignore[arg-type]
    # Nothing was written by the refused calls.
    assert store.get_form(f.id) == f
    assert store.revisions(f.id) == []
    assert len(store.list_forms()) == 1


def test_list_forms_filters_and_order(store, unit):
    a = new_form(store, unit, year=2024, form_id="declaration", title="a")
    b = new_form(store, unit, year=2025, form_id="declaration", title="b")
    c = new_form(store, unit, year=2025, form_id="self_eval", title="c")
    assert [f.title for f in store.list_forms()] == ["c", "b", "a"]
    store.save_form(a.id, data={"touched": "yes"})  # now the most recently updated
    assert [f.title for f in store.list_forms()] == ["a", "c", "b"]
    assert [f.id for f in store.list_forms(year=2025)] == [c.id, b.id]
    assert [f.id for f in store.list_forms(form_id="declaration")] == [a.id, b.id]
    assert [f.id for f in store.list_forms(year=2025, form_id="declaration")] == [b.id]
    assert store.list_forms(year=2030) == []
    assert store.years() == [2025, 2024]


def _summary_of(record: FormRecord) -> FormSummary:
    return FormSummary(**{k: v for k, v in asdict(record).items() if k != "data"})


def test_form_summary_is_a_form_record_without_its_document():
    assert [f.name for f in fields(FormSummary)] == [f.name for f in fields(FormRecord) if f.name != "data"]


def test_list_summaries_follow_list_forms_without_reading_documents(store, unit):
    a = new_form(store, unit, year=2024, form_id="declaration", title="a")
    b = new_form(store, unit, year=2025, form_id="declaration", title="b")
    new_form(store, unit, year=2025, form_id="self_eval", title="c")
    d = new_form(store, unit, year=2025, form_id="declaration", title="d")
    store.ensure_form_uid(b.id)
    store.transition(b.id, find_move(Action.CHECK, Status.DRAFT))
    store.transition(b.id, find_move(Action.SUBMIT, Status.CHECKED), package_version=3)
    store.save_form(a.id, data={"touched": "yes"}, has_errors=False)
    store.delete_form(d.id)
    statements = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *rest: statements.append(statement))
    for query in ({}, {"year": 2025}, {"form_id": "declaration"}, {"year": 2025, "form_id": "declaration"},
                  {"year": 2030}, {"deleted": True}, {"deleted": True, "year": 2024}):
        statements.clear()
        summaries = store.list_summaries(**query)
        [select] = [s for s in statements if s.lstrip().startswith("SELECT")]
        assert "form_instances.title" in select and "form_instances.data" not in select
        assert summaries == [_summary_of(f) for f in store.list_forms(**query)], query
    assert [s.title for s in store.list_summaries()] == ["a", "b", "c"]  # b was sent after c was made
    [summary] = store.list_summaries(year=2024)
    assert (summary.status, summary.amount, summary.updated_at.tzinfo) == (Status.CHECKED, Decimal("12345678.1234"), timezone.utc)
    [packaged] = store.list_summaries(year=2025, form_id="declaration")
    assert packaged.uid == store.get_form(b.id).uid and packaged.package_version == 3
    assert store.list_summaries(deleted=True)[0].deleted_at.tzinfo is timezone.utc
    with pytest.raises(AttributeError):
        summary.data


def test_soft_delete_restore_and_purge(store, unit):
    keep = new_form(store, unit, year=2024)
    f = new_form(store, unit, year=2025)
    store.save_form(f.id, data={"v": "2"})

    store.delete_form(f.id)
    assert [x.id for x in store.list_forms()] == [keep.id]
    binned = store.list_forms(deleted=True)
    assert [x.id for x in binned] == [f.id] and binned[0].deleted_at is not None
    assert binned[0].deleted_at.tzinfo is timezone.utc
    assert store.years() == [2024]

    store.restore_form(f.id)
    assert store.get_form(f.id).deleted_at is None
    assert store.list_forms(deleted=True) == []
    assert sorted(x.id for x in store.list_forms()) == [keep.id, f.id]

    store.delete_form(f.id)
    store.purge_form(f.id)
    with pytest.raises(StoreError, match="找不到编号为"):
        store.get_form(f.id)
    assert store.list_forms(deleted=True) == []
    assert raw(store, "SELECT count(*) FROM revisions WHERE form_instance_id = :id", id=f.id) == [(0,)]
    assert store.get_form(keep.id) == keep
    with pytest.raises(StoreError):
        store.purge_form(f.id)


def test_unreachable_server_is_named_without_its_password_and_says_what_to_check():
    with pytest.raises(StoreError) as info:
        Store("postgresql+psycopg://clerk:secret@127.0.0.1:1/perfdesk")
    message = str(info.value)
    assert message.startswith("无法打开数据库 postgresql+psycopg://clerk:***@127.0.0.1:1/perfdesk：")
    assert "secret" not in message and "请确认数据库服务器正在运行" in message
