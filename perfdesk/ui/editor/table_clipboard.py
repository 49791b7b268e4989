"""Copy and paste in the editor's tables, as Excel and WPS exchange cells: tab-separated text.

Ctrl+V pastes a block from the current cell rightwards and down; a table whose rows repeat (支出
明细, 实施进度计划) grows as many rows as the block needs (the indicator tables, grouped by 一级/二级,
have their own rules in `indicator_clipboard`). Every value goes in through the model's
setData, the same way as a typed one (stored normalised, an invalid entry kept as typed and shown
by the checks), and the whole paste is one undo step. Ctrl+C copies the selected block."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QTableView


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from Excel's clipboard text: tabs between cells, a line per row, a cell with a
    line break or tab in double quotes; the trailing line break Excel adds is no row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]


def to_tsv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def install(part, view: QTableView) -> None:
    """Ctrl+C / Ctrl+V on the table view of a TablePart; blocks of cells can be selected."""
    add_shortcuts(view, lambda: copy_cells(view), lambda: paste_cells(part, view))


def add_shortcuts(view: QAbstractItemView, copy, paste) -> None:
    """Ctrl+C / Ctrl+V while `view` has the focus, and selection of a block of cells."""
    view.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
    for sequence, name, slot in ((QKeySequence.StandardKey.Copy, "copyCells", copy),
                                 (QKeySequence.StandardKey.Paste, "pasteCells", paste)):
        action = QAction(view)
        action.setObjectName(name)
        action.setShortcut(sequence)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(lambda _checked=False, run=slot: run())  # not `checked` as an argument
        view.addAction(action)


def copy_cells(view: QTableView) -> str:
    indexes = view.selectionModel().selectedIndexes() or ([view.currentIndex()] if view.currentIndex().isValid() else [])
    if not indexes:
        return ""
    rows = sorted({i.row() for i in indexes})
    columns = sorted({i.column() for i in indexes})
    model = view.model()
    block = [[str(model.data(model.index(r, c)) or "") for c in columns] for r in rows]
    text = to_tsv(block)
    QGuiApplication.clipboard().setText(text)
    return text


def paste_cells(part, view: QTableView, text: str | None = None) -> int:
    """Paste `text` (else the clipboard) at the current cell; the number of cells written."""
    block = parse_tsv(QGuiApplication.clipboard().text() if text is None else text)
    if not block:
        return 0
    model = view.model()
    start = view.currentIndex()
    top, left = (start.row(), start.column()) if start.isValid() else (0, 0)
    table = part.table
    grows = table.kind == "rows"
    written = skipped = 0
    stack = part.doc.undo_stack
    stack.beginMacro(f"粘贴到{table.label}")
    try:
        for r, values in enumerate(block):
            row = top + r
            if row >= model.rowCount():
                if not grows:
                    skipped += sum(1 for v in values if v.strip())
                    continue
                part.doc.add_row(table.key, model.rowCount(), {c.key: c.default for c in table.columns})
            for c, value in enumerate(values):
                column = left + c
                if column >= model.columnCount():
                    skipped += 1 if value.strip() else 0
                    continue
                index = model.index(row, column)
                if part._column_of(index) is None:  # a sum, a rate, or a finance-only cell
                    skipped += 1 if value.strip() else 0
                    continue
                model.setData(index, value.strip() or None, Qt.ItemDataRole.EditRole)
                written += 1
    finally:
        stack.endMacro()
    bottom = min(top + len(block), model.rowCount()) - 1
    right = min(left + max(len(v) for v in block), model.columnCount()) - 1
    if bottom >= top and right >= left:
        selection = view.selectionModel()
        selection.select(model.index(top, left), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.select(_block(model, top, left, bottom, right), QItemSelectionModel.SelectionFlag.Select)
    if skipped and hasattr(part, "_show_errors"):
        part._show_errors(f"粘贴时有 {skipped} 个值未写入：超出表格，或是自动计算、由财政部门填写的单元格")
    return written


def _block(model, top: int, left: int, bottom: int, right: int):
    from PySide6.QtCore import QItemSelection

    return QItemSelection(model.index(top, left), model.index(bottom, right))
