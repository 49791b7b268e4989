"""Two clerks on one database: a save over a version newer than the one edited is refused,
names who changed the form and when, and writes nothing; saving as a new revision keeps theirs."""

from __future__ import annotations

import pytest

from perfdesk.store import FormConflict, Store

from test_store import DOC, UNIT, new_form


@pytest.fixture
def clerks(db_url):
    wang, li = Store(db_url, clerk="王会计"), Store(db_url, clerk="李出纳")
    yield wang, li
    wang.close()
    li.close()


def test_second_clerk_saving_over_a_newer_version_is_refused_naming_who_and_when(clerks):
    wang, li = clerks
    form = new_form(wang, wang.add_unit(**UNIT))
    assert form.version == 1 and form.updated_by == "王会计"
    opened_by_wang = wang.get_form(form.id)
    opened_by_li = li.get_form(form.id)

    assert li.save_form(form.id, data={**DOC, "project": "李的修改"}, based_on=opened_by_li.version)
    after_li = wang.get_form(form.id)
    assert (after_li.version, after_li.updated_by) == (2, "李出纳")

    with pytest.raises(FormConflict) as refused:
        wang.save_form(form.id, data={**DOC, "project": "王的修改"}, based_on=opened_by_wang.version)
    message = str(refused.value)
    when = after_li.updated_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert "已被 李出纳 于" in message and when in message and "未保存" in message
    assert (refused.value.current_version, refused.value.changed_by) == (2, "李出纳")
    # Nothing was overwritten: Li's text stands, and no revision was added for the refused save.
    stored = li.get_form(form.id)
    assert stored.data["project"] == "李的修改" and stored.version == 2
    assert [r.data["project"] for r in li.revisions(form.id)] == [DOC["project"]]

    # Wang chooses "save as new revision": based on the version he was shown, Li's stays in the revisions.
    assert wang.save_form(form.id, data={**DOC, "project": "王的修改"}, based_on=refused.value.current_version)
    final = li.get_form(form.id)
    assert (final.data["project"], final.version, final.updated_by) == ("王的修改", 3, "王会计")
    assert [r.data["project"] for r in li.revisions(form.id)] == [DOC["project"], "李的修改"]


def test_status_change_makes_a_new_version_but_packaging_bookkeeping_does_not(clerks):
    wang, li = clerks
    form = new_form(wang, wang.add_unit(**UNIT))
    li.save_form(form.id, data=DOC, has_errors=False)  # 草稿 → 已校验: the status alone changes
    assert wang.get_form(form.id).version == 2
    with pytest.raises(FormConflict, match="李出纳"):
        wang.save_form(form.id, data=DOC, based_on=1)
    li.ensure_form_uid(form.id)  # packaging gives the form its uid: not a change of content
    assert wang.get_form(form.id).version == 2


def test_save_without_a_base_version_still_works(clerks):
    wang, _ = clerks
    form = new_form(wang, wang.add_unit(**UNIT))
    assert wang.save_form(form.id, data={"x": "1"}) is True
    assert wang.get_form(form.id).version == 2
