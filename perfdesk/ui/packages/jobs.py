"""Package work off the GUI thread: a QThread behind a QProgressDialog ("progressDialog").

The work is a plain function `work(context) -> result`; it calls perfdesk.package and the store,
never a widget. It reports progress with `context.progress(number, total, text)` and, when the
job can be cancelled, looks at `context.cancelled` between items (a package is never cut in two).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...errors import USER_ERRORS


class JobContext:
    """What the work function may use: progress reports and the cancel flag."""

    def __init__(self, worker: _Worker) -> None:
        self._worker = worker

    def progress(self, number: int, total: int, text: str) -> None:
        """About to handle item `number` (from 1) of `total`."""
        self._worker.progress.emit(number, total, text)

    @property
    def cancelled(self) -> bool:
        return self._worker.cancel_event.is_set()


class _Worker(QObject):
    progress = Signal(int, int, str)
    ended = Signal(object, str)  # (result, "" ) or (None, Chinese reason)

    def __init__(self, work: Callable[[JobContext], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancel_event = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(JobContext(self))
        except USER_ERRORS as exc:
            self.ended.emit(None, str(exc) or "操作失败")
        except Exception as exc:  # noqa: BLE001 - the dialog must hear of it, or it waits for ever
            self.ended.emit(None, f"发生意外错误：{type(exc).__name__}：{exc}")
        else:
            self.ended.emit(result, "")


class Job(QObject):
    """Runs one work function in its own thread; `done(result)` or `failed(reason)` follows on
    the GUI thread once the thread has stopped."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QWidget, title: str, label: str, work: Callable[[JobContext], Any], *,
                 cancellable: bool = False, cancel_label: str = "正在取消：处理完当前项目后停止…") -> None:
        super().__init__(parent)
        self.active = False
        self.label = label
        self.cancel_label = cancel_label
        self.dialog = QProgressDialog(label, "取消", 0, 0, parent)  # 0..0: a busy indicator until progress
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.cancellable = cancellable
        if cancellable:
            self.dialog.canceled.connect(self.cancel)
        else:
            self.dialog.setCancelButton(None)

        self.worker = _Worker(work)
        self.thread = QThread(self)
        self.thread.setObjectName("packageJobThread")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: the thread stops itself when the work ends, so wait() never needs the GUI loop.
        self.worker.ended.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.progress.connect(self._progress)
        self.worker.ended.connect(self._ended)

    def start(self) -> Job:
        self.active = True
        self.dialog.setValue(0)
        self.dialog.show()
        self.thread.start()
        return self

    @property
    def cancelled(self) -> bool:
        return self.worker.cancel_event.is_set()

    @Slot()
    def cancel(self) -> None:
        """Stop before the next item; may be called from any thread."""
        self.worker.cancel_event.set()
        if self.active:
            self.dialog.show()  # QProgressDialog hides itself on cancel; the work is still going
            self.dialog.setLabelText(self.cancel_label)

    @Slot(int, int, str)
    def _progress(self, number: int, total: int, text: str) -> None:
        if self.cancelled:
            return
        if self.dialog.maximum() != total:
            self.dialog.setMaximum(total)
        self.dialog.setValue(max(0, number - 1))
        self.dialog.setLabelText(f"{self.label}（{number}/{total}）\n{text}")

    @Slot(object, str)
    def _ended(self, result: object, error: str) -> None:
        self.thread.quit()
        self.thread.wait()
        self.active = False
        if self.cancellable:
            self.dialog.canceled.disconnect(self.cancel)  # closing a QProgressDialog emits canceled
        self.dialog.close()
        if error:
            self.failed.emit(error)
        else:
            self.done.emit(result)

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)
