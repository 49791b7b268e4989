"""Issue 21, item 10: the smaller GUI defects, driven through the real widgets."""

from __future__ import annotations

from perfdesk.ui.packages import show_trust_registry
from test_package_support import stores, world  # noqa: F401 - fixtures


def test_trust_registry_asks_for_the_name_of_an_unknown_code(qtbot, demo_store):
    dialog = show_trust_registry(None, demo_store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.code_edit, "101001")
    qtbot.keyClicks(dialog.fingerprint_edit, "CD34 " * 16)
    dialog.add_button.click()
    assert "单位名称" in dialog.message.text() and "101001" in dialog.message.text()
    assert demo_store.trusted_keys() == [] and dialog.focusWidget() is dialog.name_edit


def test_the_package_dialog_offers_version_one_after_many_autosaves(qtbot, stores):
    from perfdesk.ui.packages import export_package
    from test_package_support import UNIT_CODE, form_id_by_title

    unit, _office = stores
    title = "2027年教师能力提升培训专项"
    form_id = form_id_by_title(unit, title)
    for n in range(12):  # the editor's autosave while the clerk types
        record = unit.get_form(form_id)
        unit.save_form(form_id, data=dict(record.data, other_notes=f"第{n + 1}次修改"), based_on=record.version)
    dialog = export_package(None, unit, form_id)
    qtbot.addWidget(dialog)
    assert "将作为第 1 版报送" in dialog.form_label.text()
    assert dialog.target_edit.text().endswith(f"{UNIT_CODE}_{title}_v1.pdpkg")


# --- d. indicators pasted with the 定量/定性 column the screen shows ------------------------------

def _editor(qtbot, store, title):
    from PySide6.QtWidgets import QApplication

    from perfdesk.ui.editor import DeclarationEditor

    record = next(f for f in store.list_forms() if f.title == title)
    editor = DeclarationEditor(store, record.id, autosave_ms=60_000)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()  # Ctrl+C / Ctrl+V go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor, editor.table_editor("annual_indicators")


def _rows(part, group):
    rows = part.doc.rows("annual_indicators")
    return [(rows[i]["content"], rows[i]["kind"], rows[i]["value"], rows[i]["note"] or "")
            for i in part.members(group)]


def _key(qtbot, part, key):
    from PySide6.QtCore import Qt

    part.tree.setFocus()
    qtbot.keyClick(part.tree, key, Qt.KeyboardModifier.ControlModifier)


def test_indicators_copied_as_shown_paste_back_into_the_same_columns(qtbot, demo_store):
    from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
    from PySide6.QtWidgets import QApplication

    group = ("效益指标", "可持续影响指标")
    editor, part = _editor(qtbot, demo_store, "2027年校舍维修改造项目")
    assert [part.tree.headerItem().text(c) for c in range(1, 4)] == ["定量/定性", "指标值", "备注"]
    leaves = [part.leaf(i) for i in part.members(group)]
    part.tree.setCurrentItem(leaves[0], 0)
    selection = part.tree.selectionModel()
    for leaf in leaves:  # the two rows, every column, as a shift-drag selects them
        index = part.tree.indexFromItem(leaf)
        selection.select(QItemSelection(index.siblingAtColumn(0), index.siblingAtColumn(len(part.columns) - 1)),
                         QItemSelectionModel.SelectionFlag.Select)
    _key(qtbot, part, Qt.Key.Key_C)
    assert QApplication.clipboard().text() == ("效益指标\t可持续影响指标\t设施使用年限\t定量\t≥15年\t\r\n"
                                               "效益指标\t可持续影响指标\t长效管护机制建立情况\t定性\t健全\t\r\n")
    copied = _rows(part, group)
    editor.close()

    editor, part = _editor(qtbot, demo_store, "2027年校园安全监控系统建设")
    before = _rows(part, group)
    _key(qtbot, part, Qt.Key.Key_V)
    assert _rows(part, group) == before + copied[1:]  # 设施使用年限 was there: updated, not doubled
    assert copied[1] == ("长效管护机制建立情况", "定性", "健全", "")
    editor.close()


def test_excel_blocks_with_or_without_the_kind_column(qtbot, demo_store):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    editor, part = _editor(qtbot, demo_store, "2027年校园安全监控系统建设")
    blocks = [
        # as the screen lays it out, no heading row
        "产出指标\t质量指标\t施工规范\t定性\t符合规范\t按住建部门标准\r\n",
        # with the sheet's heading row
        "一级指标\t二级指标\t指标内容\t定量/定性\t指标值\t备注\r\n产出指标\t时效指标\t完工及时率\t定量\t100%\t按合同\r\n",
        # as the printed table: no 定量/定性 column
        "效益指标\t经济效益指标\t节约维护费用\t≥10万元\t三年合计\r\n",
    ]
    for block in blocks:
        QApplication.clipboard().setText(block)
        _key(qtbot, part, Qt.Key.Key_V)
    assert _rows(part, ("产出指标", "质量指标"))[-1] == ("施工规范", "定性", "符合规范", "按住建部门标准")
    assert _rows(part, ("产出指标", "时效指标")) == [("完工及时率", "定量", "100%", "按合同")]
    assert _rows(part, ("效益指标", "经济效益指标")) == [("节约维护费用", "定量", "≥10万元", "三年合计")]
    # Without levels, from 指标内容: laid out as printed (no 定量/定性), or as shown.
    quality = part.members(("产出指标", "质量指标"))
    part.tree.setCurrentItem(part.leaf(quality[-1]), 0)
    QApplication.clipboard().setText("安装质量\t合格\r\n")  # typed over the row at the cursor
    _key(qtbot, part, Qt.Key.Key_V)
    assert _rows(part, ("产出指标", "质量指标"))[-1] == ("安装质量", "定性", "合格", "按住建部门标准")
    assert "有误" not in part.note.text()
    editor.close()


# --- e. perfdesk.db copied by hand while the app is open ----------------------------------------

def test_a_copy_of_the_database_file_made_while_the_app_is_open_holds_the_saved_form(qtbot, demo_store, window,
                                                                                     tmp_path):
    import shutil

    from PySide6.QtCore import Qt

    from perfdesk.store import Store
    from perfdesk.store.location import sqlite_file
    from gui_support import select

    win = window
    form_id = select(win, "2027年校舍维修改造项目")
    editor = win.open_form_id(form_id)
    edit = editor.field_binding("preparer").focus_widget
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, "Copy")
    qtbot.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert demo_store.get_form(form_id).data["preparer"].endswith("Copy")
    qtbot.wait(2500)  # the clerk turns to the file manager; the app sits idle

    copied = tmp_path / "U盘" / "perfdesk.db"
    copied.parent.mkdir()
    shutil.copy(sqlite_file(demo_store.url), copied)  # the .db file alone, as a clerk copies it
    copy = Store(f"sqlite:///{copied}")
    try:
        assert copy.get_form(form_id).data["preparer"].endswith("Copy")
        assert {f.title for f in copy.list_forms()} == {f.title for f in demo_store.list_forms()}
    finally:
        copy.close()
    editor.close()
    win.close()


def test_closing_the_store_leaves_everything_in_the_database_file(demo_store, tmp_path):
    import shutil

    from perfdesk.store import Store
    from perfdesk.store.location import sqlite_file

    store = demo_store
    record = store.list_forms()[0]
    store.save_form(record.id, data=dict(store.get_form(record.id).data, preparer="关闭前"))
    other = Store(store.url)  # another window or a CLI command still has it open
    store.close()
    shutil.copy(sqlite_file(store.url), tmp_path / "copy.db")
    other.close()
    copy = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    assert copy.get_form(record.id).data["preparer"] == "关闭前"
    copy.close()


# --- f. 单位设置 asks only a 预算单位 for its 主管部门 ---------------------------------------------------

def _setup_dialog(qtbot, store):
    from perfdesk.ui.setup_dialog import UnitSetupDialog

    dialog = UnitSetupDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _supervisor_rows_shown(dialog) -> list[bool]:
    from PySide6.QtWidgets import QFormLayout

    label = dialog.findChild(QFormLayout).labelForField
    edits = [dialog.edits[f] for f in ("supervisor_name", "supervisor_code")]
    return [w.isVisible() for edit in edits for w in (edit, label(edit))]


def test_unit_setup_asks_for_a_supervisor_only_at_a_budget_unit(qtbot, store):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    from gui_support import type_chinese

    dialog = _setup_dialog(qtbot, store)
    assert dialog.role_box.currentText() == "预算单位" and _supervisor_rows_shown(dialog) == [True] * 4
    dialog.role_box.setFocus()
    qtbot.keyClick(dialog.role_box, Qt.Key.Key_Down)  # 主管部门
    assert dialog.role_box.currentText() == "主管部门" and _supervisor_rows_shown(dialog) == [False] * 4
    qtbot.keyClick(dialog.role_box, Qt.Key.Key_Down)  # 财政部门
    assert dialog.role_box.currentText() == "财政部门" and _supervisor_rows_shown(dialog) == [False] * 4
    type_chinese(dialog.edits["name"], "长治市财政局")
    qtbot.keyClicks(dialog.edits["code"], "100001")
    type_chinese(dialog.edits["region"], "长治市")
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error_text()
    [unit] = store.units()
    assert (unit.name, unit.code, unit.supervisor_name, unit.supervisor_code) == ("长治市财政局", "100001",
                                                                                  "长治市财政局", "100001")
    assert store.get_setting("role") == "finance"


def test_unit_setup_of_a_supervisor_and_back_to_a_unit(qtbot, store):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    from gui_support import type_chinese

    dialog = _setup_dialog(qtbot, store)
    dialog.role_box.setFocus()
    qtbot.keyClick(dialog.role_box, Qt.Key.Key_Down)  # 主管部门: none above it asked
    type_chinese(dialog.edits["name"], "长治市教育局")
    qtbot.keyClicks(dialog.edits["code"], "201")
    type_chinese(dialog.edits["region"], "长治市")
    qtbot.keyClick(dialog.role_box, Qt.Key.Key_Up)  # a 预算单位 after all: its 主管部门 is asked for
    assert _supervisor_rows_shown(dialog) == [True] * 4
    dialog.ok_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.error_text() == "请填写主管部门。"
    qtbot.keyClick(dialog.role_box, Qt.Key.Key_Down)
    dialog.ok_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted, dialog.error_text()
    assert store.units()[0].supervisor_code == "201" and store.get_setting("role") == "supervisor"
