"""Paste and copy in the indicator tables, as a clerk brings indicators over from Excel or WPS: a block
that carries its 一级/二级 lands in its groups, a block without them lands at the cursor and grows the
group; every value is checked as typed, the whole paste is one undo step, a copy is tab-separated."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from perfdesk.ui.editor import DeclarationEditor  # noqa: E402
from test_gui_editor_forms import ON_TRACK, by_title, forms  # noqa: E402,F401

SCHOOL = "2027年校舍维修改造项目"


def open_declaration(qtbot, store, title=SCHOOL):
    editor = DeclarationEditor(store, by_title(store, title), autosave_ms=60_000)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()  # the keyboard's Ctrl+C / Ctrl+V go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor


def shown(part) -> list[tuple[str, str, str, str]]:
    """(一级, 二级, 指标内容, 指标值) of every row as the tree shows it, top to bottom."""
    value = part.columns.index("value")
    out = []
    for i in range(part.tree.topLevelItemCount()):
        top = part.tree.topLevelItem(i)
        for j in range(top.childCount()):
            mid = top.child(j)
            out += [(top.text(0), mid.text(0), mid.child(k).text(0), mid.child(k).text(value))
                    for k in range(mid.childCount())]
    return out


def select_rows(part, first: int, last: int, columns: tuple[int, int]) -> None:
    """Select a block of cells over the rows shown `first`..`last`, as a shift-click does."""
    leaves = [part.leaf(i) for i in sorted(part.members(("产出指标", "数量指标")))]
    model = part.tree.model()
    selection = part.tree.selectionModel()
    selection.clearSelection()
    for leaf in leaves[first:last + 1]:
        index = part.tree.indexFromItem(leaf)
        block = QItemSelection(index.siblingAtColumn(columns[0]), index.siblingAtColumn(columns[1]))
        selection.select(block, QItemSelectionModel.SelectionFlag.Select)
    assert model is not None


def test_paste_a_5x4_block_with_levels_lands_in_its_groups_copies_back_and_undoes_in_one_step(qtbot, demo_store):
    editor = open_declaration(qtbot, demo_store)
    part = editor.table_editor("annual_indicators")
    before = [dict(r) for r in part.doc.rows("annual_indicators")]
    shown_before = shown(part)
    # Copied from the clerk's sheet laid out as the printed table: 一级 and 二级 merged (blank below),
    # “产出” written short, one indicator already in the form with a new value.
    tsv = ("产出\t数量指标\t维修校舍面积\t6500平方米\r\n"
           "\t\t更换门窗\t410樘\r\n"
           "\t质量指标\t工程验收合格率\t≥98%\r\n"
           "效益指标\t社会效益指标\t校舍安全事故\t0起\r\n"
           "服务对象满意度指标\t具体指标\t学生满意度\t≥95%\r\n")
    part.tree.setFocus()
    part.select_row(0)
    QApplication.clipboard().setText(tsv)
    qtbot.keyClick(part.tree, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # the clerk's Ctrl+V

    rows = shown(part)
    assert len(rows) == len(shown_before) + 4  # four new, one updated
    count = rows.index(("产出指标", "质量指标", "工程验收合格率", "≥98%"))
    assert rows[count - 2:count] == [("产出指标", "数量指标", "维修校舍面积", "6500平方米"),
                                     ("产出指标", "数量指标", "更换门窗", "410樘")]  # at the end of 数量指标
    assert ("效益指标", "社会效益指标", "校舍安全事故", "0起") in rows
    assert rows[-1] == ("服务对象满意度指标", "具体指标", "学生满意度", "≥95%")
    assert part.doc.undo_stack.undoText() == "粘贴到年度绩效指标"
    note = part.findChild(QLabel, "pasteNote")
    assert note.isVisible() and note.text() == "已粘贴 5 行指标（新增 4 行）。"

    # Copy the two new rows back, whole: levels first, then the columns as the screen shows them.
    new = [i for i in part.members(("产出指标", "数量指标"))][-2:]
    part.tree.setCurrentItem(part.leaf(new[0]), 0)
    select_rows(part, len(part.members(("产出指标", "数量指标"))) - 2, len(part.members(("产出指标", "数量指标"))) - 1,
                (0, part.columns.index("note")))
    qtbot.keyClick(part.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == ("产出指标\t数量指标\t维修校舍面积\t定量\t6500平方米\t\r\n"
                                               "产出指标\t数量指标\t更换门窗\t定量\t410樘\t\r\n")
    # Only the 指标值 cells: as seen on screen.
    value = part.columns.index("value")
    select_rows(part, len(part.members(("产出指标", "数量指标"))) - 2, len(part.members(("产出指标", "数量指标"))) - 1,
                (value, value))
    assert part.copy_cells() == "6500平方米\r\n410樘\r\n"

    part.doc.undo_stack.undo()  # one step takes the whole block back
    assert part.doc.rows("annual_indicators") == before
    assert shown(part) == shown_before
    editor.close()


def test_a_block_pasted_twice_updates_instead_of_doubling(qtbot, demo_store):
    editor = open_declaration(qtbot, demo_store)
    part = editor.table_editor("annual_indicators")
    block = ("一级指标\t二级指标\t指标内容\t指标值\r\n产出指标\t数量指标\t维修校舍面积\t6500平方米\r\n"
             "\t成本指标\t\t\r\n")  # a 二级 printed without indicators adds no empty row
    part.paste_cells(block)  # the sheet's heading row is no indicator
    part.tree.setFocus()
    QApplication.clipboard().setText(block.replace("6500", "7000"))
    paste = next(a for a in editor.menuBar().actions()[1].menu().actions() if a.objectName() == "editorPaste")
    assert paste.text() == "粘贴(&V)\tCtrl+V"
    paste.trigger()  # 编辑 → 粘贴 with the table in focus
    found = [r for r in part.doc.rows("annual_indicators") if r["content"] == "维修校舍面积"]
    assert [r["value"] for r in found] == ["7000平方米"]
    assert not any(r["content"] in ("指标内容", "一级指标") for r in part.doc.rows("annual_indicators"))
    assert not part.members(("产出指标", "成本指标"))
    editor.close()


def test_a_frozen_form_takes_no_paste(qtbot, demo_store):
    editor = open_declaration(qtbot, demo_store, "2026年校舍维修改造项目")  # approved: read only
    part = editor.table_editor("annual_indicators")
    before = [dict(r) for r in part.doc.rows("annual_indicators")]
    assert part.paste_cells("产出指标\t数量指标\t维修校舍面积\t6500平方米\r\n") == 0
    assert part.doc.rows("annual_indicators") == before
    assert part.note.text() == "此表单当前只读（已报送、审核中或已通过），不能粘贴。"
    editor.close()


def test_a_block_without_levels_lands_at_the_cursor_and_grows_the_group(qtbot, demo_store):
    editor = open_declaration(qtbot, demo_store)
    part = editor.table_editor("annual_indicators")
    quality = part.members(("产出指标", "质量指标"))
    assert len(quality) == 1
    part.tree.setCurrentItem(part.leaf(quality[0]), 0)
    # 指标内容, 定量/定性, 指标值, 备注 as the screen shows them, a fifth cell past the last column
    written = part.paste_cells("工程验收合格率\t定量\t100%\t\r\n"
                               "设备完好率\t定量\t≥95%\t\t多余\r\n"
                               "施工规范\t定性\t符合规范\t按住建部门标准\r\n")
    assert written == 3
    quality = part.members(("产出指标", "质量指标"))
    rows = part.doc.rows("annual_indicators")
    assert [(rows[i]["content"], rows[i]["kind"], rows[i]["value"], rows[i]["note"]) for i in quality] == [
        ("工程验收合格率", "定量", "100%", None), ("设备完好率", "定量", "≥95%", None),
        ("施工规范", "定性", "符合规范", "按住建部门标准")]
    assert all(rows[i]["level1"] == "产出指标" and rows[i]["level2"] == "质量指标" for i in quality)
    assert "有 1 个值未写入" in part.note.text()
    editor.close()


def test_ticks_and_scores_are_pasted_as_if_typed(open_editor, forms, qtbot):
    store, made = forms
    editor = open_editor(by_title(store, ON_TRACK))
    part = editor.table_editor("indicators")
    first = part.row_items()[0]
    progress = part.columns.index("progress")
    part.tree.setCurrentItem(first, progress)
    # 1-6月完成, 全年预计, 偏差原因, 确定能, 有可能, 完全不可能 as the printed table has them
    part.paste_cells("800套\t1200套\t供货延迟\t\t√\t\r\n")
    row = editor.document()["indicators"][0]
    assert (row["progress"], row["forecast"], row["deviation_cause"], row["possibility"]) == \
        ("800套", "1200套", "供货延迟", "有可能")
    assert part.row_items()[0].checkState(part.options.index("有可能")) == Qt.CheckState.Checked
    part.paste_cells("800套\t1200套\t供货延迟\t\t\t\r\n")  # every tick column blank: no choice
    assert editor.document()["indicators"][0]["possibility"] is None
    # The printed monitoring table copied whole: two heading rows, then 一级/二级 and the √ columns.
    name = editor.document()["indicators"][0]["content"]
    levels = (editor.document()["indicators"][0]["level1"], editor.document()["indicators"][0]["level2"])
    part.paste_cells("一级指标\t二级指标\t三级指标\t年度指标值\t1-6月指标完成情况\t全年指标预计完成情况\t偏差原因分析\t"
                     "完成目标可能性\t\t\t备注\r\n"
                     "\t\t\t\t\t\t\t确定能\t有可能\t完全不可能\t\r\n"
                     f"{levels[0]}\t{levels[1]}\t{name}\t1500套\t900套\t1500套\t\t√\t\t\t\r\n")
    row = editor.document()["indicators"][0]
    assert (row["progress"], row["forecast"], row["possibility"]) == ("900套", "1500套", "确定能")
    assert not any(r["content"] in ("三级指标", "") for r in editor.document()["indicators"])

    report = open_editor(made["evaluation_report"])
    scored = report.table_editor("business_indicators")
    score = scored.columns.index("score")
    leaf = scored.row_items()[0]
    scored.tree.setCurrentItem(leaf, score)
    scored.paste_cells("７.5\r\n9.x\r\n")  # full-width digits are read, 9.x is kept as typed and shown red
    rows = report.document()["business_indicators"]
    assert (rows[0]["score"], rows[1]["score"]) == ("7.5", "9.x")
    assert scored.row_items()[0].text(score) == "7.50"
    assert "不是有效的分值" in scored.row_items()[1].toolTip(score)
    assert "1 个值有误" in scored.note.text() and "评价得分" in scored.note.text()
    report.undo_stack().undo()
    assert report.document()["business_indicators"][0]["score"] == "7"
