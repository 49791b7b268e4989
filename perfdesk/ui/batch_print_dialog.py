"""文件 → 批量打印…: the forms listed in the main window (its year, kind, status and search chosen
there), ticked in a chooser, printed into one PDF with a contents page (perfdesk/batch_print.py) in
a worker thread behind a progress dialog whose 取消 stops it before the next form.

`install(window, file_menu)` is the one call the main window makes.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMenu, QMessageBox, QProgressDialog, QPushButton, QVBoxLayout, QWidget)

from ..errors import user_errors
from . import dialogs


def install(window, file_menu: QMenu) -> QAction:
    action = QAction("批量打印(&A)…", window)
    action.setObjectName("batchPrintAction")
    tip = "把列表中选定的多份表单按顺序打印为一个 PDF，前附目录（表单、单位、起始页码）"
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: choose_and_print(window))
    file_menu.addAction(action)
    window.batch_print = None  # the running or last BatchPrint
    return action


def choose_and_print(window) -> FormChooser | None:
    """Open the chooser over the listed forms; on 打印… ask where, then print."""
    job = window.batch_print
    if job is not None and job.result is None:
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


def _print_chosen(window, ids: list[int]) -> BatchPrint | None:
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


def start(window, ids: list[int], path: Path) -> BatchPrint:
    job = BatchPrint(window.store, ids, path, window)
    job.done.connect(lambda result: _show_result(window, result))
    window.batch_print = job
    job.start()
    return job


class FormChooser(QDialog):
    """The listed forms, each with a tick box, all ticked; printed in this order."""

    def __init__(self, records, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("batchPrintChooser")
        self.setWindowTitle("批量打印")
        self.resize(560, 480)
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


@dataclass
class BatchPrintResult:
    outcome: object | None = None  # perfdesk.batch_print.BatchOutcome when it finished
    cancelled: bool = False
    error: str = ""


class BatchPrintWorker(QObject):
    progress = Signal(int, int, str)  # (number about to print, starting at 1; total; title)
    finished = Signal(object)  # BatchPrintResult

    def __init__(self, store, ids: list[int], path: Path) -> None:
        super().__init__()
        self.store, self.ids, self.path = store, list(ids), Path(path)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        from ..batch_print import BatchCancelled, print_batch, select_forms

        result = BatchPrintResult()
        try:
            forms = select_forms(self.store, self.ids)
            result.outcome = print_batch(self.store, forms, self.path, progress=self.progress.emit,
                                         cancelled=self._cancel.is_set)
        except BatchCancelled:
            result.cancelled = True
        except user_errors() as exc:
            result.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - the dialog must hear the end whatever happened
            result.error = f"程序内部错误（{type(exc).__name__}：{exc}），请把此信息告知技术支持"
        self.finished.emit(result)


class BatchPrint(QObject):
    """A BatchPrintWorker in its own thread behind a cancellable QProgressDialog."""

    done = Signal(object)  # BatchPrintResult, on the GUI thread, once the thread has stopped

    def __init__(self, store, ids: list[int], path: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.result: BatchPrintResult | None = None
        self.path = Path(path)
        total = len(ids)
        self.dialog = QProgressDialog(f"正在打印 0/{total}…", "取消", 0, total, parent)
        self.dialog.setObjectName("batchPrintProgress")
        self.dialog.setWindowTitle("批量打印")
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)
        self.dialog.canceled.connect(self.cancel)
        self.worker = BatchPrintWorker(store, ids, path)
        self.thread = QThread(self)
        self.thread.setObjectName("batchPrintThread")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(self._finished)
        app = QApplication.instance()
        if app is not None:  # quitting mid-way: stop before the next form, then let the thread end
            app.aboutToQuit.connect(self._stop)

    def start(self) -> None:
        self.dialog.show()
        self.thread.start()

    @Slot()
    def cancel(self) -> None:
        self.worker.cancel()
        if self.result is None:
            self.dialog.setLabelText("正在取消：当前表单印完即停止，不写入文件…")

    @Slot()
    def _stop(self) -> None:
        self.worker.cancel()
        self.thread.wait()

    @Slot(int, int, str)
    def _progress(self, number: int, total: int, title: str) -> None:
        self.dialog.setValue(number - 1)
        if not self.worker.is_cancelled():
            self.dialog.setLabelText(f"正在打印 {number}/{total}…\n{title}")

    @Slot(object)
    def _finished(self, result: BatchPrintResult) -> None:
        self.result = result
        self.thread.quit()
        self.thread.wait()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.done.emit(result)

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)


def _show_result(window, result: BatchPrintResult) -> QMessageBox:
    """The outcome in a window-modal box the clerk closes (not blocking)."""
    if result.outcome is not None:
        icon, text = QMessageBox.Icon.Information, result.outcome.summary()
        if any(e.failure for e in result.outcome.entries):
            icon = QMessageBox.Icon.Warning
    elif result.cancelled:
        icon, text = QMessageBox.Icon.Information, "已取消批量打印，没有写入文件。"
    else:
        icon, text = QMessageBox.Icon.Warning, f"批量打印失败，没有写入文件：\n{result.error}"
    box = QMessageBox(icon, "批量打印", text, QMessageBox.StandardButton.Ok, window)
    box.setObjectName("batchPrintSummary")
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
