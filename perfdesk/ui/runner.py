"""The one runner for GUI work: every action hands a plain function to it, which runs it off the GUI
thread and reports the forms it changed through one signal, `Runner.forms_changed(ids)` (the model is
Anki's CollectionOp/QueryOp).

Two kinds:
  - long work (`Runner.start`, or `Runner.run` when the action needs the result to go on): a `Job`,
    `work(context) -> result` in a QThread behind a QProgressDialog. The work calls the store and
    `perfdesk.app`, never a widget. It reports progress with `context.progress(number, total, text)`,
    looks at `context.cancelled` between items when the job can be cancelled (an item is never cut in
    two), and names the forms it wrote with `context.changed(form_id, ...)`;
  - a query (`Runner.query`): a read for the screen, where only the newest request of its kind counts;
    an older one still running is dropped when it ends, one not yet started is skipped.

Everything the work reports reaches the GUI thread as a signal; a job's `ended(JobEnd)` fires exactly
once, after the thread has stopped. A UserError becomes its own Chinese message; any other exception is
logged with its traceback and told as a Chinese note for support. Quitting the application cancels a
running job and waits for its current item.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from perfdesk.errors import UserError

log = logging.getLogger(__name__)

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

    def changed(self, *form_ids: int | Iterable[int]) -> None:
        """These forms were written (ids, or lists of ids): their rows and open editors show them afresh
        when the job ends. A work returning a service's result that names its changed forms need not."""
        for each in form_ids:
            self._worker.changed.update([each] if isinstance(each, int) else each)


def changed_forms(value: Any) -> frozenset[int]:
    """The forms a work's result says it changed: a service's result names them as `changed`
    (perfdesk.app.results.Changed) or is that Changed itself; nothing for any other result."""
    changed = getattr(value, "changed", value)
    form_ids = getattr(changed, "form_ids", None)
    return form_ids if isinstance(form_ids, frozenset) else frozenset()


def failure_text(exc: BaseException) -> str:
    """The reason a clerk reads: a user error's own message, else a plain note for support (the
    traceback goes to the log)."""
    if isinstance(exc, UserError):
        return str(exc) or "操作失败"
    log.error("GUI work failed", exc_info=exc)
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
            self.changed.update(changed_forms(value))
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
                 name: str = "progressDialog", show_at_start: bool = True) -> None:
        super().__init__(parent)
        self.active = False
        self.show_at_start = show_at_start  # else its timer shows it once the work takes its minimum duration
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
        if self.show_at_start:
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
        self.dialog.reset()  # stops its timer, which would otherwise show it after the end
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


class _QueryRelay(QObject):
    done = Signal(str, int, object)  # (kind, request number, result)
    failed = Signal(str, int, str)


class Runner(QObject):
    """Runs the GUI's work off the GUI thread; one per main window (`runner_for` finds it).

    `forms_changed(ids)` is emitted on the GUI thread for every piece of work that named forms it
    changed, once the work has ended; the main window refreshes exactly those rows and open editors."""

    forms_changed = Signal(object)  # frozenset of form ids

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # queries one after another: a newer one skips the older
        self._latest: dict[str, int] = {}  # the newest request number of each query kind
        self._delivered: dict[str, int] = {}  # the request whose result was shown last
        self._handlers: dict[str, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}
        self._relay = _QueryRelay(self)
        self._relay.done.connect(self._query_done)
        self._relay.failed.connect(self._query_failed)
        self._jobs: list[Job] = []
        self._owned: set[str] = set()  # query kinds whose owner window drops them when it goes

    # --- long work ----------------------------------------------------------------------------

    def job(self, parent: QWidget, title: str, label: str, work: Callable[[JobContext], Any], **options) -> Job:
        """A Job whose changed forms reach `forms_changed`; not started yet (connect to it, then start())."""
        job = Job(parent, title, label, work, **options)
        job.forms_changed.connect(self.forms_changed)
        job.ended.connect(lambda _end, job=job: self._jobs.remove(job) if job in self._jobs else None)
        self._jobs.append(job)
        return job

    def start(self, parent: QWidget, title: str, label: str, work: Callable[[JobContext], Any], **options) -> Job:
        return self.job(parent, title, label, work, **options).start()

    def run(self, parent: QWidget, title: str, label: str, work: Callable[[JobContext], Any], *,
            failure_title: str = "", show_after_ms: int = 400, **options) -> JobEnd:
        """Long work whose result the action needs to go on: the GUI keeps painting while it runs, the
        clerk's clicks and keys wait until it has ended (but 取消 of a cancellable one), and its progress
        dialog shows only when it takes longer than `show_after_ms`. With `failure_title`, a failure is
        told in a warning box."""
        cancellable = options.get("cancellable", False)
        if cancellable:
            show_after_ms = 0
        job = self.job(parent, title, label, work, show_at_start=show_after_ms <= 0, **options)
        job.dialog.setMinimumDuration(show_after_ms)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            job.start()
            if show_after_ms > 0:
                QTimer.singleShot(show_after_ms, job.dialog, lambda: job.dialog.show() if job.active else None)
            if job.end is None:
                loop = QEventLoop()
                job.ended.connect(loop.quit)
                loop.exec(QEventLoop.ProcessEventsFlag.AllEvents if cancellable
                          else QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            QApplication.restoreOverrideCursor()
        end = job.end
        assert end is not None
        job.dialog.deleteLater()
        job.deleteLater()
        if end.error and failure_title:
            QMessageBox.warning(parent, failure_title, end.error)
        return end

    # --- queries ------------------------------------------------------------------------------

    def query(self, kind: str, work: Callable[[], Any], done: Callable[[Any], None],
              failed: Callable[[str], None] | None = None, *, owner: QObject | None = None) -> int:
        """Read `work()` off the GUI thread and hand its result to `done` on it, unless a newer query of
        the same kind was asked for meanwhile: then this one's result is dropped (and `done` is not
        called for it). `failed` hears the Chinese reason when the newest one fails. Once `owner` (the
        window showing the result) is gone, the kind's answers are dropped."""
        request = self._latest.get(kind, 0) + 1
        self._latest[kind] = request
        self._handlers[kind] = (done, failed)
        if owner is not None and kind not in self._owned:
            self._owned.add(kind)
            owner.destroyed.connect(lambda *_: self._handlers.pop(kind, None))
        relay, latest = self._relay, self._latest

        def task() -> None:
            if latest.get(kind) != request:
                return  # overtaken by a newer request before it started
            try:
                result = work()
            except Exception as exc:  # noqa: BLE001 - else the screen waits for ever
                relay.failed.emit(kind, request, failure_text(exc))
                return
            relay.done.emit(kind, request, result)

        self._pool.start(task)
        return request

    def querying(self, kind: str) -> bool:
        """True until the newest query of that kind has been answered."""
        return self._delivered.get(kind, 0) < self._latest.get(kind, 0)

    @Slot(str, int, object)
    def _query_done(self, kind: str, request: int, result: Any) -> None:
        if request != self._latest.get(kind):
            return  # a stale answer: a newer request is on its way
        self._delivered[kind] = request
        handlers = self._handlers.get(kind)
        if handlers is not None:
            handlers[0](result)

    @Slot(str, int, str)
    def _query_failed(self, kind: str, request: int, message: str) -> None:
        if request != self._latest.get(kind):
            return
        self._delivered[kind] = request
        failed = self._handlers.get(kind, (None, None))[1]
        if failed is not None:
            failed(message)

    # --- ending -------------------------------------------------------------------------------

    def running(self) -> bool:
        return any(job.is_running() for job in self._jobs) or self._pool.activeThreadCount() > 0

    def stop(self, ms: int = 60_000) -> bool:
        """Cancel the running jobs (each stops after its current item) and wait for them and the queries."""
        for job in list(self._jobs):
            if job.is_running():
                job.cancel()
                job.wait(ms)
        return self._pool.waitForDone(ms)


def runner_for(widget: QObject | None) -> Runner:
    """The runner of the window `widget` belongs to (a main window holds one as `runner`); for a
    window on its own, one shared by the application."""
    while widget is not None:
        found = getattr(widget, "runner", None)
        if isinstance(found, Runner):
            return found
        widget = widget.parent()
    app = QApplication.instance()
    shared = getattr(app, "_perfdesk_runner", None)
    if not isinstance(shared, Runner):
        shared = Runner(app)
        app._perfdesk_runner = shared  # type: ignore[attr-defined]
    return shared
