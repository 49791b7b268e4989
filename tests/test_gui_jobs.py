"""The one runner for GUI work off the GUI thread (perfdesk/ui/runner.py), as the clerk meets it: the
progress dialog follows the work, 取消 stops it before the next item, a failure is told in Chinese,
the end comes once, and the forms the work wrote show afresh in the list without reading it again."""

from __future__ import annotations

import os
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import QThread  # noqa: E402
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton, QWidget  # noqa: E402

from perfdesk.domain.lifecycle import EDITABLE  # noqa: E402
from perfdesk.app.operations import OperationError  # noqa: E402
from perfdesk.ui.form_list_model import COL_TITLE  # noqa: E402
from perfdesk.ui.runner import Job  # noqa: E402


def list_reads(monkeypatch, window) -> list:
    """Each reading of the whole list the window asks its runner for from now on (and does not do)."""
    loads, query = [], window.runner.query
    monkeypatch.setattr(window.runner, "query", lambda kind, *args, **options: loads.append(kind) if kind == "list"
                        else query(kind, *args, **options))
    return loads


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


class Heard:
    """Every signal of a job, in order, with the thread it arrived on."""

    def __init__(self, job: Job) -> None:
        self.events: list[tuple] = []
        self.threads: set[QThread] = set()
        self.labels: list[str] = []
        job.progressed.connect(lambda *a: self._hear("progressed", *a, label=job.dialog.labelText()))
        job.forms_changed.connect(lambda ids: self._hear("forms_changed", ids))
        job.done.connect(lambda value: self._hear("done", value))
        job.failed.connect(lambda why: self._hear("failed", why))
        job.ended.connect(lambda end: self._hear("ended", end))

    def _hear(self, name: str, *args, label: str | None = None) -> None:
        self.events.append((name, *args))
        self.threads.add(QThread.currentThread())
        if label is not None:
            self.labels.append(label)

    def names(self) -> list[str]:
        return [event[0] for event in self.events]


def run(qtbot, job: Job) -> Heard:
    heard = Heard(job)
    job.start()
    qtbot.waitUntil(lambda: job.end is not None, timeout=10_000)
    QApplication.processEvents()  # anything late would arrive now
    return heard


def test_progress_reaches_the_gui_thread_and_done_comes_once(qtbot, parent):
    worked_on: list[QThread] = []

    def work(context):
        worked_on.append(QThread.currentThread())
        for number, name in enumerate(("甲单位", "乙单位", "丙单位"), start=1):
            context.progress(number, 3, name)
        return "三个单位已核对"

    job = Job(parent, "核对", "正在核对", work)
    assert parent.findChild(QProgressDialog, "progressDialog") is job.dialog
    heard = run(qtbot, job)
    gui = QApplication.instance().thread()
    assert worked_on and worked_on[0] is not gui  # the work ran off the GUI thread
    assert heard.threads == {gui}  # and everything it said arrived on the GUI thread
    assert heard.labels == ["正在核对（1/3）\n甲单位", "正在核对（2/3）\n乙单位", "正在核对（3/3）\n丙单位"]
    assert heard.names() == ["progressed"] * 3 + ["done", "ended"]
    assert heard.events[3] == ("done", "三个单位已核对")
    assert job.end.value == "三个单位已核对" and not job.end.error and not job.end.cancelled
    assert not job.dialog.isVisible() and not job.is_running()


def test_cancel_stops_before_the_next_item(qtbot, parent):
    reached, gate = threading.Event(), threading.Event()

    def work(context):
        handled = []
        for number in range(1, 6):
            if context.cancelled:
                break
            context.progress(number, 5, f"第 {number} 份")
            if number == 1:
                reached.set()
                gate.wait(10)  # the clerk presses 取消 while the first item runs
            handled.append(number)
        return handled

    job = Job(parent, "导出", "正在导出", work, cancellable=True, cancel_label="正在取消：导出完当前表单后停止…")
    heard = Heard(job)
    job.start()
    assert reached.wait(10)
    job.dialog.findChild(QPushButton).click()  # 取消
    assert job.dialog.isVisible() and job.dialog.labelText() == "正在取消：导出完当前表单后停止…"
    gate.set()
    qtbot.waitUntil(lambda: job.end is not None, timeout=10_000)
    QApplication.processEvents()
    assert job.end.value == [1] and job.end.cancelled  # the item under way finished, no other began
    assert heard.names().count("done") == 1 and heard.names()[-1] == "ended"
    assert not job.dialog.isVisible()


def test_a_failure_in_the_work_is_told_in_chinese_not_raised(qtbot, parent):
    def broken(_context):
        return {}["没有这一项"]

    heard = run(qtbot, Job(parent, "汇总", "正在汇总", broken))
    assert heard.names() == ["failed", "ended"]  # no done
    why = heard.events[0][1]
    assert why == "程序内部错误（KeyError：'没有这一项'），请把此信息告知技术支持"
    assert heard.events[1][1].error == why and heard.events[1][1].value is None

    def refused(_context):
        raise OperationError("请至少指定一个输出文件：--pdf 文件名 或 --xlsx 文件名")

    heard = run(qtbot, Job(parent, "导出", "正在导出", refused))
    assert [e[0] for e in heard.events] == ["failed", "ended"]
    assert heard.events[0][1] == "请至少指定一个输出文件：--pdf 文件名 或 --xlsx 文件名"


def test_the_forms_a_job_wrote_show_afresh_without_reading_the_list_again(qtbot, monkeypatch, demo_store, window):
    form = next(r for r in window.listed_records() if r.status in EDITABLE)
    others = {r.id: r.title for r in window.listed_records() if r.id != form.id}
    loads = list_reads(monkeypatch, window)

    def rename(context):
        stored = demo_store.get_form(form.id)
        demo_store.save_form(form.id, data=stored.data, title="2027年校舍维修改造项目（修订）", based_on=stored.version)
        context.changed(form.id)

    job = Job(window, "改名", "正在改名", rename)
    job.forms_changed.connect(window.refresh_forms)
    heard = run(qtbot, job)
    assert heard.events[0] == ("forms_changed", frozenset({form.id}))
    assert heard.names() == ["forms_changed", "done", "ended"]
    row = window.proxy.row_of(form.id)
    assert window.proxy.index(row, COL_TITLE).data() == "2027年校舍维修改造项目（修订）"
    assert {r.id: r.title for r in window.listed_records() if r.id != form.id} == others
    assert loads == []  # only that row was read again


def test_a_review_decision_shows_in_its_row_without_reading_the_list_again(qtbot, monkeypatch, tmp_path,
                                                                           full_demo_store, request):
    from perfdesk.package.identity import create_identity
    from perfdesk.app import installation
    from perfdesk.ui.review_dialog import ReviewDialog
    from gui_support import select

    full_demo_store.set_setting("role", "finance")
    create_identity(full_demo_store, installation.own_unit(full_demo_store).id, "审核口令2027")
    window = request.getfixturevalue("window")  # the conftest's, opened once the role and the key are set
    form_id = select(window, "2027年校园网络升级项目")
    before = window.current_record().status.display
    loads = list_reads(monkeypatch, window)
    dialog = window.review_form()
    assert isinstance(dialog, ReviewDialog)
    dialog.give_back.setChecked(True)
    dialog.letter.setPlainText("绩效目标不够具体，请把产出指标写成可以核验的数量")
    dialog.passphrase.setText("审核口令2027")
    dialog.target.setText(str(tmp_path / "审核结果.pdpkg"))
    dialog.accept()
    assert not dialog.error.isVisibleTo(dialog), dialog.error.text()
    row = window.proxy.row_of(form_id)
    shown = window.proxy.record(row).status
    assert shown is full_demo_store.get_form(form_id).status and shown.display != before
    assert loads == []


def test_quitting_the_application_stops_a_running_job_after_its_current_item(qtbot, parent):
    started = threading.Event()
    handled = []

    def work(context):
        for number in range(1, 1000):
            if context.cancelled:
                break
            started.set()
            time.sleep(0.01)
            handled.append(number)
        return len(handled)

    job = Job(parent, "导出", "正在导出", work, cancellable=True).start()
    assert started.wait(10)
    QApplication.instance().aboutToQuit.emit()  # what quitting sends before the threads are torn down
    assert not job.is_running() and job.cancelled  # stopped, not killed mid-item
    assert 0 < len(handled) < 999
    qtbot.waitUntil(lambda: job.end is not None, timeout=10_000)
    assert job.end.value == len(handled) and job.end.cancelled
