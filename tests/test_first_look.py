"""The first look at a store (read with sqlite3 before SQLAlchemy is imported) gives exactly what the
store's own API gives, or None whenever the store must be opened the ordinary way first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import URL, make_url

from perfdesk.domain.registry import FORM_FILES
from perfdesk.store import Store
from perfdesk.store.first_look import first_look
from perfdesk.store.location import sqlite_file, sqlite_url

KINDS = tuple(FORM_FILES)


def store_view(store: Store, kinds: tuple[str, ...]):
    """What the window would read through the store: years, unit names, role and the forms listed."""
    forms = [form for kind in kinds for form in store.list_summaries(form_id=kind)]
    forms.sort(key=lambda f: (f.updated_at, f.id), reverse=True)
    return (tuple(store.years()), {u.id: u.name for u in store.units()}, store.get_setting("role"),
            store.get_setting("unit_id"), tuple(forms))


def look_view(url: str, kinds: tuple[str, ...]):
    look = first_look(url, kinds)
    assert look is not None
    return look.years, look.unit_names, look.setting("role"), look.setting("unit_id"), look.forms


@pytest.mark.parametrize("kinds", [("declaration",), ("project_monitoring", "dept_monitoring", "monitoring_report"),
                                   KINDS])
def test_the_look_agrees_with_the_store_on_the_whole_demo(full_demo_store, db_url, kinds):
    assert look_view(db_url, kinds) == store_view(full_demo_store, kinds)
    assert len(look_view(db_url, KINDS)[4]) == 27


def test_the_look_follows_deletes_settings_and_blank_amounts(demo_store, db_url):
    first = demo_store.list_summaries(form_id="declaration")[0]
    demo_store.delete_form(first.id)  # in the recycle bin: not listed
    unit = demo_store.units()[0]
    blank = demo_store.create_form(unit_id=unit.id, form_id="declaration", form_version=1, year=2031,
                                   title="没有金额的草稿", data={}, amount=None)
    demo_store.set_setting("role", "finance")
    demo_store.set_setting("unit_id", unit.id)
    look = first_look(db_url, ("declaration",))
    assert look is not None
    assert look_view(db_url, ("declaration",)) == store_view(demo_store, ("declaration",))
    assert first.id not in [f.id for f in look.forms]
    assert look.forms[0].id == blank.id and look.forms[0].amount is None
    assert look.years[0] == 2031
    assert look.setting("role") == "finance"


def test_no_look_at_a_store_without_a_unit(store, db_url):
    assert first_look(db_url, ("declaration",)) is None  # first run: the setup dialog needs the store


def test_no_look_at_a_missing_file_and_none_is_created(tmp_path):
    path = tmp_path / "never.db"
    assert first_look(sqlite_url(path), ("declaration",)) is None
    assert not path.exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "postgresql://u:p@localhost/perfdesk",
                                 "not a url"])
def test_no_look_at_databases_other_than_an_sqlite_file(url):
    assert first_look(url, ("declaration",)) is None


def test_no_look_at_an_older_or_newer_schema(demo_store, db_url, tmp_path):
    path = Path(make_url(db_url).database)
    for revision in ("0002", "9999"):
        with sqlite3.connect(path) as con:
            con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        con.close()
        assert first_look(db_url, ("declaration",)) is None  # Store migrates it, or says to upgrade


def test_no_look_at_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"\x00this is not an SQLite file\n" * 100)
    assert first_look(sqlite_url(path), ("declaration",)) is None
    assert path.read_bytes() == b"\x00this is not an SQLite file\n" * 100


def test_no_look_when_a_stored_value_is_not_what_this_version_writes(demo_store, db_url):
    with sqlite3.connect(Path(make_url(db_url).database)) as con:
        con.execute("UPDATE form_instances SET updated_at = 'yesterday' WHERE id = 1")
    con.close()
    assert first_look(db_url, ("declaration",)) is None


def test_the_look_writes_nothing(demo_store, db_url):
    path = Path(make_url(db_url).database)
    demo_store.close()  # checkpoints the log into the file
    before = path.read_bytes()
    assert first_look(db_url, ("declaration",)) is not None
    assert path.read_bytes() == before


# --- location: the same answers as SQLAlchemy's URL parser ------------------------------------

PATHS = ["/tmp/a.db", "/tmp/data dir/perfdesk.db", "/tmp/预算 绩效/单位.db", "/tmp/what?/x.db", "/tmp/#1/x.db",
         "/tmp/100%/x.db", "/tmp/a+b/x.db", "relative/x.db"]


@pytest.mark.parametrize("path", PATHS)
def test_sqlite_url_is_sqlalchemys_rendering(path):
    assert sqlite_url(Path(path)) == URL.create("sqlite", database=path).render_as_string()
    assert make_url(sqlite_url(Path(path))).database == path


@pytest.mark.parametrize("url", [
    *[f"sqlite:///{p}" for p in ["/tmp/a.db", "/tmp/data dir/x.db", "x.db", "/tmp/单位.db", "~/x.db"]],
    *[URL.create("sqlite", database=p).render_as_string() for p in PATHS],
    "sqlite+pysqlite:////tmp/a.db", "sqlite:///file:/tmp/u.db?mode=ro&uri=true", "sqlite:///x.db?timeout=3",
])
def test_sqlite_file_matches_sqlalchemys_reading(url):
    database = make_url(url).database
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    assert sqlite_file(url) == Path(database).expanduser().absolute()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=memory&uri=true",
                                 "postgresql://u:p@localhost/db", "mysql+pymysql://h/db", "garbage"])
def test_sqlite_file_is_none_for_other_databases(url):
    assert sqlite_file(url) is None
