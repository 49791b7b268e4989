"""文件 → 批量打印…: the forms listed in the main window (its year, kind, status and search chosen
there), ticked in a chooser, printed into one PDF with a contents page (perfdesk/app/batch_print.py) by
a Job (perfdesk/ui/runner.py) behind a progress dialog whose 取消 stops it before the next form.

`install(window, file_menu)` is the one call the main window makes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMessageBox, QPushButton, QVBoxLayout, QWidget)

from perfdesk.ui import dialogs
from perfdesk.ui.runner import Job, JobContext, JobEnd, runner_for
from perfdesk.ui.screen_fit import open_within_screen


def choose_and_print(window) -> FormChooser | None:
    """Open the chooser over the listed forms; on 打印… ask where, then print."""
    job = window.batch_print
    if job is not None and job.end is None:
        job.dialog.raise_()
        return None
    records = window.listed_records()
    if not records:
        QMessageBox.information(window, "批量打印", "列表中没有表单。可在上方选择年度、种类和状态。")
        return None
    current = window.current_record()
    chooser = FormChooser(records, window)
    chooser.accepted.connect(lambda: _print_chosen(window, chooser.chosen_ids()))
    if current is not None:
        chooser.scroll_to(current.id)
    chooser.open()
    return chooser


def _print_chosen(window, ids: list[int]) -> Job | None:
    if not ids:
        return None
    suggested = dialogs.last_export_dir() / f"批量打印-{dt.date.today():%Y%m%d}-{len(ids)}份.pdf"
    path = dialogs.save_file_name(window, f"批量打印为 PDF（{len(ids)} 份表单）", suggested, "PDF 文件 (*.pdf)")
    if path is None:
        return None
    if path.suffix.lower() != ".pdf":
        path = path.with_name(f"{path.name}.pdf")
    dialogs.remember_export_dir(path.parent)
    return start(window, ids, path)


def start(window, ids: list[int], path: Path) -> Job:
    store, ids, path = window.store, list(ids), Path(path)
    job = runner_for(window).job(window, "批量打印", f"正在打印 0/{len(ids)}…",
                                 lambda context: print_chosen(store, ids, path, context), cancellable=True,
                                 cancel_label="正在取消：当前表单印完即停止，不写入文件…", total=len(ids),
                                 label_format="正在打印 {number}/{total}…\n{text}", modal=False,
                                 name="batchPrintProgress")
    job.ended.connect(lambda end: _show_result(window, end))
    window.batch_print = job
    return job.start()


class FormChooser(QDialog):
    """The listed forms, each with a tick box, all ticked; printed in this order."""

    def __init__(self, records, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("batchPrintChooser")
        self.setWindowTitle("批量打印")
        open_within_screen(self, 560, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("勾选要打印的表单（按列表顺序打印为一个 PDF，前附目录）。有错误的表单照印，并在目录中标注。"))
        self.list = QListWidget(self)
        self.list.setObjectName("batchPrintForms")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        for record in records:
            item = QListWidgetItem(f"{record.title}　（{record.year}年度，{record.status.display}）")
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.itemChanged.connect(self._count)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        for text, name, state in (("全选", "checkAllButton", Qt.CheckState.Checked),
                                  ("全不选", "checkNoneButton", Qt.CheckState.Unchecked)):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(lambda _c=False, state=state: self.check_all(state))
            row.addWidget(button)
        tick = QPushButton("勾选选中的行", self)
        tick.setObjectName("checkSelectedButton")
        tick.setToolTip("在列表中按住 Ctrl 或 Shift 选中多行，再点此只勾选这些行")
        tick.clicked.connect(self.check_selected_only)
        row.addWidget(tick)
        row.addStretch(1)
        self.count_label = QLabel(self)
        row.addWidget(self.count_label)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("打印…")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._count()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def chosen_ids(self) -> list[int]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()
                if item.checkState() == Qt.CheckState.Checked]

    def check_all(self, state: Qt.CheckState) -> None:
        for item in self.items():
            item.setCheckState(state)

    def check_selected_only(self) -> None:
        selected = set(map(id, self.list.selectedItems()))
        for item in self.items():
            item.setCheckState(Qt.CheckState.Checked if id(item) in selected else Qt.CheckState.Unchecked)

    def scroll_to(self, form_instance_id: int) -> None:
        for item in self.items():
            if item.data(Qt.ItemDataRole.UserRole) == form_instance_id:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)

    def _count(self, *_args) -> None:
        n = len(self.chosen_ids())
        self.count_label.setText(f"已勾选 {n} / {self.list.count()} 份")
        self.ok.setEnabled(n > 0)


def print_chosen(store, ids: list[int], path: Path, context: JobContext):
    """The chosen forms into one PDF; a Job's work. Its BatchOutcome, or None when 取消 stopped it
    before the file was written. Printing moves no status: no row of the list changes."""
    from perfdesk.app.batch_print import BatchCancelled, print_batch, select_forms

    try:
        return print_batch(store, select_forms(store, ids), path, progress=context.progress,
                           cancelled=lambda: context.cancelled)
    except BatchCancelled:
        return None


def _show_result(window, end: JobEnd) -> QMessageBox:
    """The outcome in a window-modal box the clerk closes (not blocking)."""
    if end.error:
        icon, text = QMessageBox.Icon.Warning, f"批量打印失败，没有写入文件：\n{end.error}"
    elif end.value is None:
        icon, text = QMessageBox.Icon.Information, "已取消批量打印，没有写入文件。"
    else:
        icon, text = QMessageBox.Icon.Information, end.value.summary()
        if any(e.failure for e in end.value.entries):
            icon = QMessageBox.Icon.Warning
    box = QMessageBox(icon, "批量打印", text, QMessageBox.StandardButton.Ok, window)
    box.setObjectName("batchPrintSummary")
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
