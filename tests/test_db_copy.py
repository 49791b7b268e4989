"""perfdesk db copy: everything (forms, revisions, identities, trust, inbox, settings) moves from
SQLite to another database and back, verified by counts and checksums, identical at the end."""

from __future__ import annotations

import pytest

from perfdesk.cli import main
from perfdesk.store import Store, StoreError
from perfdesk.store.copy import copy_database, database_checksums

from test_package_support import world  # noqa: F401 - the fixture
from test_package_support import trust_unit


def _everything(store: Store) -> tuple:
    forms = store.list_forms() + store.list_forms(deleted=True)
    return (store.units(), forms, [store.revisions(f.id) for f in forms], store.identities(),
            store.trusted_keys(), store.inbox(), store.get_setting("role"), store.get_setting("unit_id"))


@pytest.fixture
def office_with_everything(world, tmp_path):
    """The session's office database (SQLite) after a real import, with settings, a revision and a bin."""
    from perfdesk.package.importer import import_bytes

    _, office = world.stores(tmp_path)
    from perfdesk.domain.lifecycle import Action, Actor, Status, find_move

    trust_unit(office, world)
    office.set_setting("role", "supervisor")  # a 主管部门 keeps the package whole: every table has a row
    got = import_bytes(office, world.package, "v1")
    record = office.get_form(got.form_instance_id)
    move = find_move(Action.RETURN, Status.SUPERVISOR_REVIEW, actor=Actor.SUPERVISOR)
    office.transition(record.id, move, data={**record.data, "supervisor_opinion": "请补充"}, letter="请补充")
    office.set_setting("role", "finance")
    office.set_setting("unit_id", office.units()[0].id)
    office.set_setting("list.columns", {"宽": 120, "列": ["金额"]})
    doomed = office.create_form(unit_id=record.unit_id, form_id="declaration", form_version=1, year=2027,
                                title="回收站里的表", data={"a": "1"})
    office.delete_form(doomed.id)
    _office_desk(office)
    yield office
    office.close()


def _office_desk(office):
    """The register, a round and a 空数据说明 (0006), so that those tables are copied too."""
    import datetime as dt

    from perfdesk.domain.tasks import OFFICE_SET, Deadline, UnitEntry
    from perfdesk.store.office import OfficeStore

    desk = OfficeStore(office)
    desk.import_units([UnitEntry("201003", "长治市第一中学", "201", "长治市教育局", "刘晓燕", "0355-2021236")])
    task = desk.add_task(uid="5a0c1f3e-2d4b-4c6a-8e9f-0a1b2c3d4e5f", year=2027, title="预算编制", note="按期报送",
                         office_code="101001", office_name="长治市财政局", issued_on=dt.date(2026, 11, 1),
                         deadlines={"project_monitoring": Deadline(dt.date(2027, 7, 31), OFFICE_SET)},
                         unit_codes=["201003"])
    when = dt.datetime(2027, 7, 20, 9, 30, tzinfo=dt.timezone.utc)
    desk.receive_empty(dict(uid="9d8c7b6a-5f4e-4d3c-8b2a-190817263544", task_uid=task.uid, unit_code="201003",
                            unit_name="长治市第一中学", form_id="project_monitoring", year=2027, reason="无在建项目",
                            version=1, signed_at=when),
                       dict(file_sha256="ab" * 32, file_name="空数据说明.pdpkg", reason="空数据说明", kind="empty"),
                       keep_existing=False)


def test_sqlite_to_other_and_back_leaves_the_data_identical(office_with_everything, new_db_url, tmp_path):
    source = office_with_everything
    middle, back = new_db_url("middle"), f"sqlite:///{tmp_path / 'back.db'}"
    there = copy_database(source.url, middle)
    again = copy_database(middle, back)
    assert there == again == database_checksums(source.url) == database_checksums(back)
    assert {t.name: t.rows for t in there}["inbox"] == 2 and all(t.rows for t in there)
    with Store(middle) as copy, Store(back) as returned:
        assert _everything(copy) == _everything(source) == _everything(returned)
        # New rows after a copy get new ids (PostgreSQL's sequences moved past the copied ones).
        unit = copy.units()[0]
        new = copy.create_form(unit_id=unit.id, form_id="declaration", form_version=1, year=2028,
                               title="复制后新建", data={})
        assert new.id > max(f.id for f in source.list_forms() + source.list_forms(deleted=True))


def test_copy_into_a_database_with_data_is_refused_and_writes_nothing(office_with_everything, new_db_url):
    target = new_db_url("target")
    with Store(target) as other:
        other.set_setting("role", "unit")
        before = database_checksums(target)
    with pytest.raises(StoreError, match="已有数据：只能复制到空数据库"):
        copy_database(office_with_everything.url, target)
    assert database_checksums(target) == before


def test_cli_db_copy_reports_each_table(office_with_everything, new_db_url, capsys):
    target = new_db_url("cli")
    assert main(["db", "copy", office_with_everything.url, target]) == 0
    out = capsys.readouterr().out
    assert "inbox\t2 行" in out and "empty_statements\t1 行" in out and "各表行数与校验和均一致" in out
    assert main(["db", "copy", office_with_everything.url, target]) == 1
    assert "已有数据" in capsys.readouterr().err
