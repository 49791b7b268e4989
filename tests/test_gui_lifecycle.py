"""The chain in the GUI: a frozen form under its banner, 申请调整, the status filter, and the 审核
dialog at a finance office that checks as a finance office."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from perfdesk.domain.lifecycle import Status
from perfdesk.ui.form_list_model import COL_STATUS

APPROVED = "2027年学生食堂设备更新项目"
RETURNED = "2027年高标准农田建设项目"


def _id(store, title):
    return next(f.id for f in store.list_forms() if f.title == title)


def test_an_approved_form_opens_frozen_under_its_banner(qtbot, full_demo_store, open_editor):
    editor = open_editor(APPROVED, autosave_ms=50)
    banner = editor.banner
    assert banner is not None and "状态：审核通过" in banner.headline.text()
    assert "预算绩效管理科" in banner.opinions.text() and "二上" in banner.opinions.text()
    assert "申请调整" in banner.instead.text() and banner.adjust_button.isVisibleTo(editor)
    name = editor.field_binding("project_name").widget
    assert name.isReadOnly()
    before = full_demo_store.get_form(_id(full_demo_store, APPROVED))
    editor.set_value("necessity", "偷偷改一个字")  # even through the model: nothing changes
    qtbot.wait(200)
    assert editor.document()["necessity"] == before.data["necessity"]
    assert not editor.save()
    assert full_demo_store.get_form(before.id).data == before.data and before.status is Status.APPROVED


def test_a_returned_form_keeps_its_letter_on_screen_while_it_is_edited(qtbot, full_demo_store, open_editor):
    editor = open_editor(RETURNED, autosave_ms=50)
    assert "项目立项必要性阐述不充分" in editor.banner.opinions.text()
    assert "请补充项目立项的必要性和政策依据" in editor.banner.opinions.text()
    assert not editor.field_binding("necessity").widget.isReadOnly()
    editor.set_value("necessity", "补充了政策依据。")
    assert editor.save()
    assert full_demo_store.get_form(_id(full_demo_store, RETURNED)).status is Status.RETURNED


def test_status_filter_shows_one_status(qtbot, full_demo_store, window):
    window.status_box.setCurrentIndex(window.status_box.findText("财政审核中"))
    shown = {window.proxy.index(r, COL_STATUS).data() for r in range(window.proxy.rowCount())}
    assert shown == {"财政审核中（业务科室）", "财政审核中（预算绩效管理科）"}
    window.status_box.setCurrentIndex(0)
    assert window.proxy.rowCount() > 2


def test_the_office_reviews_in_the_dialog_as_the_finance_office(qtbot, full_demo_store, open_editor):
    full_demo_store.set_setting("role", "finance")
    title = "2027年校园网络升级项目"  # waiting at the 预算绩效管理科 after the 业务科室 approved it in 二上
    editor = open_editor(title, role="finance", autosave_ms=50)
    assert editor.banner.review_button.isVisibleTo(editor)
    dialog = editor.open_review()
    qtbot.addWidget(dialog)
    assert dialog.level.label == "预算绩效管理科" and dialog.passphrase.isEnabled()  # the last level signs
    dialog.give_back.setChecked(True)
    dialog.accept()  # no letter: refused, said in the dialog
    assert "反馈意见" in dialog.findChild(QLabel, "reviewError").text()
    assert full_demo_store.get_form(_id(full_demo_store, title)).status is Status.PERF_REVIEW
    # The office's own 本年度实际安排资金 checks as the office's: no finance-only error in its editor.
    dialog.reject()
    assert not [f for f in editor.findings() if f.code.startswith("finance_only")]
    assert isinstance(dialog.findChild(QPlainTextEdit, "reviewOpinion"), QPlainTextEdit)
    assert isinstance(dialog.findChild(QLineEdit, "reviewReviewer"), QLineEdit)
