"""The one runner for GUI work (perfdesk/ui/runner.py) as a clerk meets it through the main window: a form
changed by some work shows afresh in its own row and its own open editor and nowhere else, a list asked
for twice shows only the newest answer, and failures are told in Chinese, the same from every entry point."""

from __future__ import annotations

import logging
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from perfdesk.errors import UserError  # noqa: E402
from perfdesk.ui import dialogs, list_loader  # noqa: E402
from perfdesk.ui.editor import editor_actions  # noqa: E402
from perfdesk.ui.form_list_model import COL_TITLE  # noqa: E402
from gui_support import select, settle  # noqa: E402

YEAR = 2027
TRAINING, REPAIR, CAMERAS = (f"{YEAR}年教师能力提升培训专项", f"{YEAR}年校舍维修改造项目", f"{YEAR}年校园安全监控系统建设")
RENAMED = f"{YEAR}年教师能力提升培训专项（修订）"


@pytest.fixture
def window(demo_store, window):
    """The conftest's main window, on the demo, showing the 2027 forms."""
    window.set_year(YEAR)
    return settle(window)


@pytest.fixture
def boxes(monkeypatch):
    """Every QMessageBox.warning/information, as (kind, title, text), instead of a box."""
    shown: list[tuple[str, str, str]] = []
    for kind in ("warning", "information"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(
            lambda parent, title, text, *rest, kind=kind: shown.append((kind, title, text))
            or QMessageBox.StandardButton.Ok))
    return shown


def form_id(window, title: str) -> int:
    return next(record.id for record in window.listed_records() if record.title == title)


def rename_through_runner(window, store, form_instance_id: int) -> None:
    """Work another part of the program might do (an import, a decision): the form renamed off the GUI
    thread, named as changed."""
    def rename(context):
        stored = store.get_form(form_instance_id)
        store.save_form(form_instance_id, data={**stored.data, "project_name": RENAMED}, title=RENAMED,
                        based_on=stored.version)
        context.changed(form_instance_id)

    end = window.runner.run(window, "改名", "正在改名…", rename)
    assert end.error == "" and end.changed == frozenset({form_instance_id})


def test_a_changed_form_refreshes_its_own_row_and_open_editor_alone(qtbot, monkeypatch, window, demo_store):
    training, repair = form_id(window, TRAINING), form_id(window, REPAIR)
    mine, other = window.open_form_id(training), window.open_form_id(repair)
    other_record = other.record
    reloads = []
    monkeypatch.setattr(other, "show_moved", lambda *a: reloads.append(a))  # the other editor must not reload
    rows_before = {record.id: window.model._rows[window.model.row_of(record.id)]
                   for record in window.listed_records() if record.id != training}
    changed_rows = []
    window.model.dataChanged.connect(lambda top, bottom, *_: changed_rows.extend(range(top.row(), bottom.row() + 1)))
    list_reads, query = [], window.runner.query
    monkeypatch.setattr(window.runner, "query", lambda kind, *a, **k: list_reads.append(kind) if kind == "list"
                        else query(kind, *a, **k))

    rename_through_runner(window, demo_store, training)

    assert set(changed_rows) == {window.model.row_of(training)}  # its row, and no other
    assert window.proxy.index(window.proxy.row_of(training), COL_TITLE).data() == RENAMED
    assert all(window.model._rows[window.model.row_of(fid)] is row for fid, row in rows_before.items())
    assert list_reads == []  # the whole list was not read again
    # its open editor shows the stored form; the other editor was left alone
    assert mine.field_binding("project_name").focus_widget.text() == RENAMED
    assert mine.record.title == RENAMED and RENAMED in mine.windowTitle()
    assert not mine.has_unsaved_changes()
    assert reloads == [] and other.record is other_record


def test_an_editor_with_unsaved_typing_keeps_it_and_says_the_form_changed(qtbot, window, demo_store):
    training = form_id(window, TRAINING)
    editor = window.open_form_id(training)
    edit = editor.field_binding("applicant_head").focus_widget
    edit.setFocus()
    edit.end(False)
    qtbot.keyClicks(edit, "A")
    typed = edit.text()
    assert editor.has_unsaved_changes()

    rename_through_runner(window, demo_store, training)

    assert edit.text() == typed and editor.document()["applicant_head"] == typed  # the clerk's typing stays
    assert editor.has_unsaved_changes()
    assert "此表单已在别处更改" in editor.notice.text() and "保存时将提示" in editor.notice.text()
    assert window.proxy.index(window.proxy.row_of(training), COL_TITLE).data() == RENAMED  # the list shows it
    editor.undo_stack().undo()  # the test ends without the save conflict's question
    editor._dirty = False


def test_the_list_shows_only_the_newest_of_two_requests(qtbot, monkeypatch, window):
    gate, asked = threading.Event(), []
    read = list_loader.read_rows

    def held_read(store, year, kinds, today=None):  # in the runner's thread
        asked.append(year)
        if year == YEAR - 1:
            gate.wait(10)  # the older request is still reading when the newer one is asked for
        return read(store, year, kinds, today)

    monkeypatch.setattr(list_loader, "read_rows", held_read)
    shown = []
    window.list_loaded.connect(lambda: shown.append({record.year for record in window.listed_records()}))
    window.set_year(YEAR - 1)
    qtbot.waitUntil(lambda: asked == [YEAR - 1])
    window.set_year(YEAR)
    gate.set()
    settle(window)
    qtbot.wait(50)  # any late answer would arrive now
    assert asked == [YEAR - 1, YEAR]  # both were read ...
    assert shown == [{YEAR}]  # ... and only the newest was shown, once
    assert {record.year for record in window.listed_records()} == {YEAR}


def test_a_refusal_is_told_in_chinese_the_same_from_the_list_and_from_the_editor(monkeypatch, tmp_path, window,
                                                                                   boxes):
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: tmp_path / "list.pdf")
    select(window, CAMERAS)
    assert window.export_file("pdf") is None
    editor = window.open_form_id(form_id(window, CAMERAS))
    assert editor_actions.export_file(editor, "pdf", tmp_path / "editor.pdf") is None
    assert list(tmp_path.glob("*.pdf")) == []
    [from_list, from_editor] = boxes
    assert from_list == from_editor
    kind, title, text = from_list
    assert (kind, title) == ("warning", "无法导出") and "不能导出" in text and CAMERAS in text


def test_an_unexpected_failure_is_logged_and_told_as_a_note_for_support(window, boxes, caplog):
    gui_thread, ran_on = threading.get_ident(), []

    def broken(_context):
        ran_on.append(threading.get_ident())
        raise RuntimeError("磁盘读取中断")

    with caplog.at_level(logging.ERROR, logger="perfdesk.ui.runner"):
        end = window.runner.run(window, "导出", "正在导出…", broken, failure_title="无法导出")
    assert ran_on and ran_on[0] != gui_thread  # off the GUI thread
    assert end.error == "程序内部错误（RuntimeError：磁盘读取中断），请把此信息告知技术支持"
    assert boxes == [("warning", "无法导出", end.error)]
    assert any(record.exc_info and "磁盘读取中断" in str(record.exc_info[1]) for record in caplog.records)


def test_a_user_error_is_told_as_its_own_message(window, boxes):
    def refused(_context):
        raise UserError("请先在“设置 → 单位设置”中填写本单位")

    end = window.runner.run(window, "新建", "正在新建…", refused, failure_title="无法新建")
    assert boxes == [("warning", "无法新建", "请先在“设置 → 单位设置”中填写本单位")] and end.value is None


def test_a_service_result_naming_its_changed_forms_is_reported_without_more(window, demo_store):
    from perfdesk.app.results import Changed

    training = form_id(window, TRAINING)
    heard = []
    window.runner.forms_changed.connect(heard.append)

    def rename(_context):  # a service in perfdesk/app returns what it changed; the work just hands it on
        stored = demo_store.get_form(training)
        demo_store.save_form(training, data={**stored.data, "project_name": RENAMED}, title=RENAMED,
                             based_on=stored.version)
        return Changed(frozenset({training}))

    end = window.runner.run(window, "改名", "正在改名…", rename)
    assert end.changed == frozenset({training}) and heard == [frozenset({training})]
    assert window.proxy.index(window.proxy.row_of(training), COL_TITLE).data() == RENAMED
