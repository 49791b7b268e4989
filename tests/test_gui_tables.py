"""The editor on the self-evaluation and assessment tables: computed cells are shown, not typed, and follow
every edit; a score table's subtotals are sums; a cap exceeded shows as an error."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLineEdit  # noqa: E402

from gui_support import dock_lines  # noqa: E402
from test_gui_editor_forms import edit_cell, edit_tree_cell  # noqa: E402


def first_of_kind(store, kind: str) -> int:
    return store.list_forms(form_id=kind)[0].id


def test_self_evaluation_scores_follow_the_actuals_and_cannot_be_typed(full_demo_store, open_editor, qtbot):
    editor = open_editor(first_of_kind(full_demo_store, "project_self_evaluation"), autosave_ms=60_000)
    assert editor.document()["total_score"] == "95.08" and editor.document()["grade"] == "优"
    part = editor.table_editor("indicators")
    score, actual = part.columns.index("score"), part.columns.index("actual")
    first = part.row_items()[1]  # 培训教师人次: 640 of ≥ 800
    assert first.text(score) == "10.00"
    assert not part.editable("score") and part.editable("actual")
    binding = editor.field_binding("total_score")
    entry = binding.widget.findChild(QLineEdit)
    assert not binding.editable and entry is not None and not entry.isEnabled() and entry.text() == "95.08"
    edit_tree_cell(qtbot, part, first, actual, "800")
    assert part.row_items()[1].text(score) == "12.50"
    assert editor.document()["total_score"] == "97.58"
    editor.undo_stack().undo()
    assert editor.document()["total_score"] == "95.08"
    # the execution rate's score follows the amount executed
    funds = editor.table_editor("funds")
    column = funds.model.column_index("executed")
    edit_cell(qtbot, funds.view, 1, column, "70")  # 70 of 75 万元: 93.33 % → 9.33
    assert editor.document()["execution_score"] == "9.33"


def test_an_assessment_subtotal_is_a_sum_and_a_cap_exceeded_is_an_error(full_demo_store, open_editor, qtbot):
    editor = open_editor(first_of_kind(full_demo_store, "assessment_department"), autosave_ms=60_000)
    funds = editor.table_editor("items")
    model = funds.model
    rows = [r.key for r in model.table.tree]
    column = model.column_index("self_score")
    parent = model.index(rows.index("a1"), column)
    assert not (model.flags(parent) & Qt.ItemFlag.ItemIsEditable)
    label = model.data(model.index(rows.index("a1_1_1"), 0))
    assert label.endswith("每次2分，本项最多6分。（6分）")
    silent = model.index(rows.index("a6"), 0)
    assert "未列“六、培训交流”的分值" in model.data(silent, Qt.ItemDataRole.ToolTipRole)
    assert model.data(parent) == "20.00"  # the demo: 30 less 2 (a1_1_1 at 4), 1, 2 and 5
    edit_cell(qtbot, funds.view, rows.index("a1_1_1"), column, "8")
    assert model.data(parent) == "24.00"
    qtbot.waitUntil(lambda: any("超过本项最高分 6.00 分" in line for line in dock_lines(editor)))
    assert model.flags(model.index(rows.index("a1_1_1"), model.column_index("assessed_score"))) \
        & Qt.ItemFlag.ItemIsEditable == Qt.ItemFlag(0)  # 评定分数: the finance office's
