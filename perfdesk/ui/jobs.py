"""A long GUI action off the GUI thread: one plain function run in a QThread behind a QProgressDialog.

The work is `work(context) -> result`; it calls the store and `perfdesk.app.operations`, never a widget.
It reports progress with `context.progress(number, total, text)`, looks at `context.cancelled`
between items when the job can be cancelled (an item is never cut in two), and names the forms it
wrote with `context.changed(form_id, ...)` so the main list refreshes only those rows.

Everything the work reports reaches the GUI thread as a signal; `ended(JobEnd)` fires exactly once,
after the thread has stopped, and an exception inside the work becomes a Chinese reason in it, never
a traceback. Quitting the application cancels a running job and waits for its current item.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from perfdesk.errors import UserError

PER_ITEM = "{label}（{number}/{total}）\n{text}"  # the label while item `number` of `total` runs


@dataclass(frozen=True)
class JobEnd:
    """How a job ended: the work's result, or the Chinese reason it failed."""

    value: Any = None
    error: str = ""  # "" when the work returned
    cancelled: bool = False  # 取消 was pressed (the work may still have returned what it did)
    changed: frozenset[int] = field(default_factory=frozenset)  # forms written, even before a failure


class JobContext:
    """What the work function may use: progress reports, the cancel flag, the forms it changed."""

    def __init__(self, worker: _Worker) -> None:
        self._worker = worker

    def progress(self, number: int, total: int, text: str) -> None:
        """About to handle item `number` (from 1) of `total`."""
        self._worker.progress.emit(number, total, text)

    @property
    def cancelled(self) -> bool:
        return self._worker.cancel_event.is_set()

    def changed(self, *form_ids: int) -> None:
        """These forms were written: the list shows them afresh when the job ends."""
        self._worker.changed.update(form_ids)


def failure_text(exc: BaseException) -> str:
    """The reason a clerk reads: a user error's own message, else a plain note for support."""
    if isinstance(exc, UserError):
        return str(exc) or "操作失败"
    return f"程序内部错误（{type(exc).__name__}：{exc}），请把此信息告知技术支持"


class _Worker(QObject):
    progress = Signal(int, int, str)
    ended = Signal(object)  # JobEnd

    def __init__(self, work: Callable[[JobContext], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancel_event = threading.Event()
        self.changed: set[int] = set()

    @Slot()
    def run(self) -> None:
        value, error = None, ""
        try:
            value = self._work(JobContext(self))
        except Exception as exc:  # noqa: BLE001 - the dialog must hear of it, or it waits for ever
            error = failure_text(exc)
        self.ended.emit(JobEnd(value, error, self.cancel_event.is_set(), frozenset(self.changed)))


class Job(QObject):
    """Runs one work function in its own thread behind a progress dialog.

    On the GUI thread, once the thread has stopped: `forms_changed(ids)` when the work named any,
    then `done(result)` or `failed(reason)`, then `ended(JobEnd)`; `end` holds it from then on."""

    progressed = Signal(int, int, str)  # (number, total, text), on the GUI thread
    forms_changed = Signal(object)  # frozenset of form ids
    done = Signal(object)
    failed = Signal(str)
    ended = Signal(object)  # JobEnd

    def __init__(self, parent: QWidget, title: str, label: str, work: Callable[[JobContext], Any], *,
                 cancellable: bool = False, cancel_label: str = "正在取消：处理完当前项目后停止…",
                 total: int = 0, label_format: str = PER_ITEM, modal: bool = True,
                 name: str = "progressDialog") -> None:
        super().__init__(parent)
        self.active = False
        self.end: JobEnd | None = None
        self.label = label
        self.label_format = label_format
        self.cancel_label = cancel_label
        # total 0: a busy indicator until the first progress says how many
        self.dialog = QProgressDialog(label, "取消", 0, total, parent)
        self.dialog.setObjectName(name)
        self.dialog.setWindowTitle(title)
        if modal:
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
        self.thread.setObjectName("jobThread")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Direct: the thread stops itself when the work ends, so wait() never needs the GUI loop.
        self.worker.ended.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)
        self.worker.progress.connect(self._progress)
        self.worker.ended.connect(self._ended)
        app = QApplication.instance()
        if app is not None:  # quitting mid-way: stop before the next item, then let the thread end
            app.aboutToQuit.connect(self._stop)

    def start(self) -> Job:
        self.active = True
        self.dialog.setValue(0)
        self.dialog.show()
        self.thread.start()
        return self

    def is_running(self) -> bool:
        return self.thread.isRunning()

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

    @Slot()
    def _stop(self) -> None:
        self.worker.cancel_event.set()
        self.thread.wait()

    @Slot(int, int, str)
    def _progress(self, number: int, total: int, text: str) -> None:
        if self.end is not None:
            return
        showing = not self.cancelled  # once cancelled, the dialog keeps saying it is cancelling
        if showing:
            self.dialog.setLabelText(self.label_format.format(label=self.label, number=number, total=total, text=text))
        self.progressed.emit(number, total, text)
        if showing:
            # Last: a modal QProgressDialog's setValue runs the event loop, which may deliver the end.
            if self.dialog.maximum() != total:
                self.dialog.setMaximum(total)
            self.dialog.setValue(max(0, number - 1))

    @Slot(object)
    def _ended(self, end: JobEnd) -> None:
        self.thread.quit()
        self.thread.wait()
        self.active = False
        self.end = end
        if self.cancellable:
            self.dialog.canceled.disconnect(self.cancel)  # closing a QProgressDialog emits canceled
        self.dialog.close()
        if end.changed:
            self.forms_changed.emit(end.changed)
        if end.error:
            self.failed.emit(end.error)
        else:
            self.done.emit(end.value)
        self.ended.emit(end)

    def wait(self, ms: int = 60_000) -> bool:
        return self.thread.wait(ms)
