"""The 主管部门's desk in the GUI (issue 21, items 3 and 8), at three installations driven as their clerks
would: a unit's form received for review is never changed or sent up from the 主管部门; the office's
answer goes down with 转发审核结果 from the list or the editor, its note reaching the unit's banner and
history; the 主管部门's own forms stay editable; and every decision says what it did and where the
package lies, the editor staying open under its new banner.

PERFDESK_SHOTS=docs writes the README's screenshot of the relay (docs/supervisor_relay.png)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QInputDialog, QMainWindow

from chain_desks import close_desks, desk_databases, open_desks  # noqa: F401 - fixture
from gui_support import settle, trigger, type_chinese
from perfdesk.domain.lifecycle import Status

SHOTS = os.environ.get("PERFDESK_SHOTS")
NOTE = "请按财政局意见修改，于3月5日前重新报送。"
LETTER = "请补充项目立项的政策依据。"


@pytest.fixture
def desks(qtbot, monkeypatch, tmp_path, desk_databases):  # noqa: F811
    opened = open_desks(qtbot, monkeypatch, tmp_path, desk_databases)
    yield opened
    close_desks(opened)


def _shot(editor, dialog, name: str) -> None:
    """The editor on a 1366×768 screen with the dialog over it, as the clerk sees them."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QPainter, QPixmap

    if not SHOTS:
        return
    editor.resize(1366, 768)
    canvas = QPixmap(editor.grab())
    front = dialog.grab()
    left, top, title = 200, 262, 28  # below the banner and its 转发审核结果… button
    paint = QPainter(canvas)
    paint.fillRect(QRect(left - 1, top - title - 1, front.width() + 2, front.height() + title + 2), QColor("#5b6b7f"))
    paint.setPen(QColor("white"))
    paint.drawText(QRect(left + 10, top - title, front.width(), title), 0x81, dialog.windowTitle())  # left | vcenter
    paint.drawPixmap(left, top, front)
    paint.end()
    canvas.save(str(Path(SHOTS) / name))


def _returned_by_the_office(desks, folder):
    """一上 up to the office, returned with a reason, the answer taken in at the 主管部门."""
    unit, sup, office = desks["unit"], desks["supervisor"], desks["office"]
    sup.take_in(unit.send(folder / "v1.pdpkg"))
    sup.review(approve=True, opinion="同意转报。", reviewer="赵红梅", target=folder / "forward.pdpkg")
    office.take_in(folder / "forward.pdpkg")
    office.review(approve=False, letter=LETTER, reasons={"necessity": "补充政策依据"},
                  target=folder / "answer.pdpkg")
    sup.take_in(folder / "answer.pdpkg")
    assert sup.record().status is Status.RETURNED


def _open(desk, qtbot) -> QMainWindow:
    desk.select()
    trigger(desk.win, "openAction")
    editor = desk.win.editors[desk.form_id()]
    qtbot.waitExposed(editor)
    return editor


def test_a_returned_unit_form_at_the_supervisor_is_read_only_and_relayed_from_the_list(qtbot, desks, tmp_path):
    unit, sup = desks["unit"], desks["supervisor"]
    _returned_by_the_office(desks, tmp_path)
    before = sup.record()
    editor = _open(sup, qtbot)
    necessity = editor.field_binding("necessity").widget
    assert necessity.isReadOnly()
    necessity.setFocus()
    type_chinese(necessity, "主管部门偷改")
    qtbot.wait(300)
    assert sup.record().data == before.data and sup.record().version == before.version  # nothing autosaved
    banner = editor.banner.text()
    assert "请按审核意见修改" not in banner and "转发审核结果" in banner
    assert editor.banner.relay_button.isVisibleTo(editor) and not editor.banner.adjust_button.isVisibleTo(editor)

    # 生成报送数据包 refuses, naming why, and never asks for the unit's key
    trigger(sup.win, "exportPackageAction")
    package = sup.dialog("packageDialog")
    said = package.message.text()
    assert "长治市第一中学报送的表单" in said and "转发审核结果" in said and "签名密钥" not in said
    assert not package.generate_button.isEnabled()
    package.reject()

    told = sup.relay(tmp_path / "down.pdpkg", note=NOTE)
    assert (tmp_path / "down.pdpkg").is_file()
    assert "down.pdpkg" in told and str(tmp_path) in told and "长治市第一中学" in told
    assert "已退回（待修改）" in told

    unit.take_in(tmp_path / "down.pdpkg")
    assert unit.record().status is Status.RETURNED
    assert any(f"经长治市教育局转发，转发说明：{NOTE}" in line for line in unit.history())
    at_unit = _open(unit, qtbot)
    assert f"转发说明：{NOTE}" in at_unit.banner.text() and LETTER in at_unit.banner.text()
    assert not at_unit.field_binding("necessity").widget.isReadOnly()  # the unit changes it


def test_relay_from_the_editor_keeps_it_open_and_says_where_the_package_is(qtbot, desks, tmp_path):
    sup = desks["supervisor"]
    _returned_by_the_office(desks, tmp_path)
    editor = _open(sup, qtbot)
    qtbot.mouseClick(editor.banner.relay_button, Qt.MouseButton.LeftButton)
    dialog = editor.findChild(QDialog, "relayDialog")
    assert LETTER in dialog.answer.toPlainText() and "补充政策依据" in dialog.answer.toPlainText()
    assert dialog.target.text().endswith("201003_2027年校舍维修改造项目_审核结果转发_v1.pdpkg")
    type_chinese(dialog.note, NOTE)
    qtbot.keyClicks(dialog.passphrase, "wrong passphrase")
    _shot(editor, dialog, "supervisor_relay.png")
    dialog.target.clear()
    qtbot.keyClicks(dialog.target, str(tmp_path / "from-editor.pdpkg"))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible() and "口令" in dialog.error.text()
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, sup.passphrase)
    ok.click()
    assert not dialog.isVisible() and (tmp_path / "from-editor.pdpkg").is_file()
    assert editor.isVisible() and sup.win.editors[sup.form_id()] is editor
    assert "from-editor.pdpkg" in editor.notice.text() and str(tmp_path) in editor.notice.text()
    assert "转发审核结果" in editor.banner.headline.text()
    assert "审核结果已交回" in editor.banner.instead.text()
    assert editor.field_binding("necessity").widget.isReadOnly()


def test_the_supervisors_own_form_stays_editable(qtbot, desks, monkeypatch):
    from perfdesk.ui import dialogs

    sup = desks["supervisor"]
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a, **_k: "2027年教育信息化建设项目")
    record = sup.win.new_declaration(2027)
    editor = sup.win.editors[record.id]
    qtbot.waitExposed(editor)
    assert editor.banner is None or "不能修改" not in editor.banner.text()
    necessity = editor.field_binding("necessity").widget
    assert not necessity.isReadOnly()
    necessity.setFocus()
    type_chinese(necessity, "落实教育信息化2.0行动计划。")
    assert editor.save()
    assert sup.store.get_form(record.id).data["necessity"] == "落实教育信息化2.0行动计划。"


def test_deciding_in_the_editor_keeps_it_open_under_its_new_banner(qtbot, desks, tmp_path):
    unit, sup = desks["unit"], desks["supervisor"]
    sup.take_in(unit.send(tmp_path / "v1.pdpkg"))
    editor = _open(sup, qtbot)
    assert editor.banner.review_button.isVisibleTo(editor)
    editor.banner.review_button.click()
    dialog = editor.findChild(QDialog, "reviewDialog")
    sup.fill_review(dialog, approve=True, opinion="绩效目标符合申报要求，建议安排资金。", reviewer="赵红梅",
                    target=tmp_path / "forward.pdpkg")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert not dialog.isVisible(), dialog.error.text()
    settle(sup.win)
    assert editor.isVisible() and sup.win.editors[sup.form_id()] is editor
    notice = editor.notice.text()
    assert "主管部门审核通过并转报财政部门" in notice and "财政审核中（业务科室）" in notice
    assert "forward.pdpkg" in notice and str(tmp_path) in notice and (tmp_path / "forward.pdpkg").is_file()
    assert "财政审核中（业务科室）" in editor.banner.headline.text()
    assert not editor.banner.review_button.isVisibleTo(editor)
    assert "绩效目标符合申报要求" in str(editor.document().get("supervisor_opinion"))
    assert editor.field_binding("necessity").widget.isReadOnly()


def test_review_from_the_list_says_what_it_did_and_where_the_package_is(qtbot, desks, tmp_path):
    unit, sup = desks["unit"], desks["supervisor"]
    sup.take_in(unit.send(tmp_path / "v1.pdpkg"))
    editor = _open(sup, qtbot)  # open meanwhile: it follows
    told = sup.review(approve=False, letter=LETTER, target=tmp_path / "back.pdpkg")
    assert "主管部门退回修改" in told and "已退回（待修改）" in told
    assert "back.pdpkg" in told and str(tmp_path) in told and "长治市第一中学" in told
    assert editor.isVisible() and editor.notice.text() == told
    assert "已退回（待修改）" in editor.banner.headline.text() and not editor.banner.review_button.isVisibleTo(editor)
    assert "状态：已退回（待修改）" in editor.status_label.text()


def test_asking_to_adjust_keeps_the_editor_open_and_editable(qtbot, desks, monkeypatch):
    unit = desks["unit"]
    title = "2026年校舍维修改造项目"  # approved
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("追加设备采购。", True))
    unit.win.set_year(None)
    unit.select(title)
    trigger(unit.win, "openAction")
    editor = unit.win.editors[unit.form_id(title)]
    assert editor.field_binding("necessity").widget.isReadOnly()
    editor.banner.adjust_button.click()
    assert editor.isVisible() and unit.win.editors[unit.form_id(title)] is editor
    assert "已申请调整" in editor.notice.text() and "申请调整中" in editor.banner.headline.text()
    necessity = editor.field_binding("necessity").widget
    assert not necessity.isReadOnly()
    necessity.setFocus()
    type_chinese(necessity, "（调整）")
    assert editor.save() and "（调整）" in unit.record(title).data["necessity"]


def test_the_core_refuses_changing_or_sending_a_received_copy(desks, tmp_path):
    from perfdesk.domain.lifecycle import TransitionRefused
    from perfdesk.app.operations import save_document
    from perfdesk.app.form_submission import package_form
    from perfdesk.package.identity import load_signer

    _returned_by_the_office(desks, tmp_path)
    sup = desks["supervisor"].store
    record = desks["supervisor"].record()
    with pytest.raises(TransitionRefused, match="长治市第一中学报送的表单，不能在本机修改.*转发审核结果"):
        save_document(sup, record, dict(record.data, necessity="改"), based_on=record.version)
    own = sup.unit_by_code("201")
    with pytest.raises(TransitionRefused, match="不能代为生成报送数据包"):
        package_form(sup, record.id, load_signer(sup, own.id, desks["supervisor"].passphrase), tmp_path / "x.pdpkg")
    assert sup.get_form(record.id).data == record.data and not (tmp_path / "x.pdpkg").exists()
    from perfdesk.app.workflow import banner

    said = banner(sup, record)  # what `perfdesk status` says there too
    assert said.frozen and "转发审核结果" in said.instead and "重新报送" not in said.instead


def test_only_a_supervisor_is_offered_the_relay(desks):
    from PySide6.QtGui import QAction

    shown = {name: desk.win.findChild(QAction, "relayAction").isVisible() for name, desk in desks.items()}
    assert shown == {"unit": False, "supervisor": True, "office": False}
    sup = desks["supervisor"].win
    assert sup.findChild(QAction, "relayAction") in sup.table.actions()  # the list's right-click menu


def test_an_editor_opened_again_stays_open(qtbot, desks):
    """The form file's upgrade opens the form again in a new window: the new one stays."""
    unit = desks["unit"]
    old = _open(unit, qtbot)
    old._reopen()
    qtbot.wait(100)  # the old window's deletion runs
    new = unit.win.editors.get(unit.form_id())
    assert new is not None and new is not old and new.isVisible()
