"""Long work off the GUI thread: reading the form list, and 批量导出 in a QThread with a progress
dialog that can cancel it.

Workers only call the store and `operations`; they never touch a widget. They talk to the GUI
through signals, which Qt queues onto the GUI thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from ..errors import USER_ERRORS
from ..operations import check, export
from ..store import Store
from .dialogs import safe_file_name

EXPORTED, SKIPPED, FAILED = "exported", "skipped", "failed"


def batch_file_stem(form_instance_id: int, title: str) -> str:
    return safe_file_name(f"{form_instance_id}-{title}")


@dataclass
class BatchResult:
    total: int
    exported: list[str] = field(default_factory=list)  # titles
    skipped: list[str] = field(default_factory=list)  # titles of forms with errors
    failed: list[tuple[str, str]] = field(default_factory=list)  # (title, why)
    cancelled: int = 0  # forms not attempted because the clerk cancelled

    def summary(self) -> str:
        lines = [f"已导出 {len(self.exported)} 份，因有错误跳过 {len(self.skipped)} 份，"
                 f"因取消未导出 {self.cancelled} 份（共 {self.total} 份）。"]
        if self.failed:
            lines.insert(0, f"导出失败 {len(self.failed)} 份。")
            lines += [f"失败：{title}：{why}" for title, why in self.failed[:10]]
        if self.skipped:
            lines.append("有错误的表单：" + "、".join(self.skipped[:10]) + ("等" if len(self.skipped) > 10 else ""))
        return "\n".join(lines)


class BatchExportWorker(QObject):
    """Exports forms one by one into a folder as "{id}-{title}.pdf" and ".xlsx".

    cancel() may be called from any thread; the form being exported is finished first, and the
    files already written stay."""

    progress = Signal(int, int, str)  # (number about to be exported, starting at 1; total; title)
    form_done = Signal(int, str)  # (form id, EXPORTED / SKIPPED / FAILED)
    finished = Signal(object)  # BatchResult

    def __init__(self, store: Store, form_ids: list[int], folder: Path) -> None:
        super().__init__()
        self.store = store
        self.form_ids = list(form_ids)
        self.folder = Path(folder)
        self._cancel = threading.Event()
        self.result = BatchResult(total=len(self.form_ids))

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        result = self.result
        for number, form_id in enumerate(self.form_ids, start=1):
            if self._cancel.is_set():
                result.cancelled = result.total - number + 1
                break
            title = str(form_id)
            try:
                record = self.store.get_form(form_id)
                title = record.title
                self.progress.emit(number, result.total, title)
                if any(finding.blocks_export for finding in check(self.store, record)):
                    result.skipped.append(title)
                    outcome = SKIPPED
                else:
                    stem = batch_file_stem(form_id, title)
                    export(self.store, form_id, pdf=self.folder / f"{stem}.pdf", xlsx=self.folder / f"{stem}.xlsx")
                    result.exported.append(title)
                    outcome = EXPORTED
            except USER_ERRORS as exc:
                result.failed.append((title, str(exc)))
                outcome = FAILED
            self.form_done.emit(form_id, outcome)
        self.finished.emit(result)


class BatchExport(QObject):
    """Runs a BatchExportWorker in its own thread behind a cancellable QProgressDialog."""

    done = Signal(object)  # BatchResult, on the GUI thread, once the thread has stopped

    def __init__(self, store: Store, form_ids: list[int], folder: Path, parent: QWidget) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.result: BatchResult | None = None
        total = len(form_ids)
        self.dialog = QProgressDialog(f"正在导出 0/{total}…", "取消", 0, total, parent)
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowTitle("批量导出")
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setValue(0)
        self.dialog.canceled.connect(self.cancel)

        self.worker = BatchExportWorker(store, form_ids, folder)
        self.thread = QThread(self)
        self.thread.setObjectName("batchExportThread")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: the thread stops itself when the work ends, so wait() never needs the GUI loop.
        self.worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.progress.connect(self._progress)
        self.worker.form_done.connect(self._form_done)
        self.worker.finished.connect(self._finished)

    def start(self) -> None:
        self.dialog.show()
        self.thread.start()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    @Slot()
    def cancel(self) -> None:
        self.worker.cancel()
        if self.result is None:
            self.dialog.setLabelText("正在取消：导出完当前表单后停止…")

    @Slot(int, int, str)
    def _progress(self, number: int, total: int, title: str) -> None:
        if not self.worker.is_cancelled():
            self.dialog.setLabelText(f"正在导出 {number}/{total}…\n{title}")

    @Slot(int, str)
    def _form_done(self, _form_id: int, _outcome: str) -> None:
        self.dialog.setValue(self.dialog.value() + 1)

    @Slot(object)
    def _finished(self, result: BatchResult) -> None:
        self.result = result
        self.thread.quit()
        self.thread.wait()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.done.emit(result)

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)


def show_summary(parent: QWidget, result: BatchResult, folder: Path) -> QMessageBox:
    """The outcome, without blocking: a window-modal box the clerk closes."""
    icon = QMessageBox.Icon.Warning if result.failed else QMessageBox.Icon.Information
    box = QMessageBox(icon, "批量导出完成", f"{result.summary()}\n\n文件夹：{folder}", QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("batchSummary")
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
