"""文件 → 批量打印… as a clerk uses it: tick forms in the chooser, name the file, watch the progress,
cancel; the PDF has the contents page and the forms in the list's order."""

from __future__ import annotations

import os
import re
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton  # noqa: E402

from perfdesk.ui import batch_print_dialog, dialogs, runner as jobs  # noqa: E402
from gui_support import select, trigger  # noqa: E402


@pytest.fixture
def window(full_demo_store, window):
    """The conftest's main window, on the full demo."""
    return window


def _chooser(window):
    trigger(window, "batchPrintAction")
    chooser = window.findChild(batch_print_dialog.FormChooser, "batchPrintChooser")
    assert chooser is not None and chooser.isVisible()
    return chooser


def test_ticked_forms_print_in_list_order_with_a_contents_page(qtbot, monkeypatch, tmp_path, window):
    target = tmp_path / "out" / "round.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: target)
    listed = window.listed_records()
    select(window, listed[5].title)
    chooser = _chooser(window)
    assert len(chooser.items()) == len(listed) and chooser.count_label.text() == f"已勾选 {len(listed)} / {len(listed)} 份"
    assert chooser.list.currentItem().data(Qt.ItemDataRole.UserRole) == listed[5].id
    # the clerk selects rows 3, 1 and 7 (any order) and ticks only those
    chooser.list.clearSelection()
    for row in (3, 1, 7):
        chooser.list.item(row).setSelected(True)
    chooser.findChild(QPushButton, "checkSelectedButton").click()
    assert chooser.chosen_ids() == [listed[1].id, listed[3].id, listed[7].id]
    chooser.ok.click()
    job = window.batch_print
    assert window.findChild(QProgressDialog, "batchPrintProgress") is job.dialog
    qtbot.waitUntil(lambda: job.end is not None, timeout=30_000)
    assert job.end.value is not None and not job.end.error
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(target).pages]
    contents = pages[0]
    positions = [contents.index(listed[i].title) for i in (1, 3, 7)]
    assert "批量打印目录" in contents and positions == sorted(positions)
    assert [e.form_instance_id for e in job.end.value.entries] == [listed[i].id for i in (1, 3, 7)]
    summary = window.findChild(QMessageBox, "batchPrintSummary")
    assert "已打印 3 份表单（共 3 份）" in summary.text() and str(target) in summary.text()
    summary.close()


def test_cancel_in_the_progress_dialog_writes_no_file(qtbot, monkeypatch, tmp_path, window):
    reached, gate = threading.Event(), threading.Event()
    start = jobs.Job.start

    def hold(*_args):  # in the worker thread, as it starts on its first form
        reached.set()
        gate.wait(10)

    def start_held(job):
        job.worker.progress.connect(hold, Qt.ConnectionType.DirectConnection)
        return start(job)

    monkeypatch.setattr(jobs.Job, "start", start_held)
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: folder / "round.pdf")
    _chooser(window).ok.click()
    job = window.batch_print
    assert reached.wait(10)
    job.dialog.findChild(QPushButton).click()  # 取消
    assert "正在取消" in job.dialog.labelText()
    gate.set()
    qtbot.waitUntil(lambda: job.end is not None, timeout=5_000)  # stops before the second form
    assert job.end.cancelled and job.end.value is None
    assert list(folder.iterdir()) == []
    summary = window.findChild(QMessageBox, "batchPrintSummary")
    assert "已取消批量打印，没有写入文件" in summary.text()
    summary.close()
