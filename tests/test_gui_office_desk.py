"""The office's 报送情况 window as a clerk uses it on the demo office: units grouped by 主管部门, each
cell's status and days, the column counts, the 未报/逾期/待审 filter, the 催报 list exported off the
GUI thread; and at a unit, its tasks with days left and a new declaration started from one.

PERFDESK_SHOTS=docs writes the README's screenshot of the matrix (docs/office_matrix.png)."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QComboBox, QLabel  # noqa: E402

from perfdesk.store import Store  # noqa: E402
from perfdesk.store.office import OfficeStore  # noqa: E402
from perfdesk.ui.app import create_main_window  # noqa: E402
from gui_support import settle  # noqa: E402
from table_text import pdf_text  # noqa: E402

SHOTS = os.environ.get("PERFDESK_SHOTS")
TODAY = dt.date.today()


@pytest.fixture
def office_win(office_demo_store, window):
    """The conftest's main window, on `perfdesk demo --office`."""
    return window


def test_the_matrix_shows_every_unit_by_department_and_filters(qtbot, office_win, tmp_path):
    office_win.findChild(QAction, "statusBoardAction").trigger()
    board = office_win.status_board
    qtbot.addWidget(board)
    assert len(board.shown_units()) == 36
    groups = [board.table.item(r, 0).text() for r, cells, _ in board.row_cells if cells is None]
    assert groups[0] == "长治市教育局（201）　6 个单位" and len(groups) == 6
    assert board.cell_text("201003", "declaration") == "审核通过"
    assert board.cell_text("201003", "project_monitoring") == f"已退回（待修改） 逾期{(TODAY - board.board.deadlines['project_monitoring']).days}天"
    assert board.cell_text("202002", "project_monitoring") == "空数据说明"
    assert board.cell_text("202001", "declaration") == "未报 逾期20天"
    assert board.cell_text("201001", "project_self_evaluation") == "财政审核中"
    total = board.table.item(board.total_row, 1).text()
    assert total.startswith("已报 28　未报 8\n逾期 8　待审 8")

    board.resize(1180, 820)
    if SHOTS:
        board.grab().save(str(Path(SHOTS) / "office_matrix.png"))

    filter_box = board.findChild(QComboBox, "filterBox")
    filter_box.setCurrentText("待审")
    waiting = board.shown_units()
    assert "长治市第五中学（201004）" in waiting and "长治市卫生健康委员会机关（202001）" not in waiting
    assert len(waiting) == 20  # 5 of the demo's 9 patterns have a form waiting, 4 units each
    filter_box.setCurrentText("逾期")
    overdue = board.shown_units()
    assert "长治市卫生健康委员会机关（202001）" in overdue and "长治市人民医院（202002）" not in overdue
    hidden_groups = [r for r, cells, _ in board.row_cells if cells is None and board.table.isRowHidden(r)]
    assert hidden_groups == []  # every 主管部门 has a unit behind
    filter_box.setCurrentText("全部")
    assert len(board.shown_units()) == 36

    target = tmp_path / "催报.pdf"
    job = board.export_chase(target, "pdf")
    with qtbot.waitSignal(job.done, timeout=20_000):
        pass
    assert board.findChild(QLabel, "exportNote").text() == f"已导出催报名单（24 个单位）：{target}"
    text = pdf_text(target.read_bytes())
    assert "长治市卫生健康委员会机关" in text and "长治市人民医院" not in text


def test_a_unit_sees_its_tasks_and_starts_a_declaration_from_one(qtbot, tmp_path, monkeypatch, demo_templates):
    from perfdesk.domain.tasks import Deadline, OFFICE_SET

    store = Store(demo_templates.copy("declarations", tmp_path / "unit.db"))
    school = store.unit_by_code("201003")
    store.set_setting("unit_id", school.id)
    due = TODAY + dt.timedelta(days=12)
    OfficeStore(store).receive_task(
        dict(uid="2b7e7a53-6f3b-4a2e-9c55-0d9c1e7d3a10", year=2028, title="预算编制", note="", office_code="101001",
             office_name="长治市财政局", issued_on=TODAY, deadlines={"declaration": Deadline(due, OFFICE_SET)},
             unit_codes=["201003"], version=1),
        dict(file_sha256="0" * 64, file_name="任务.pdpkg", reason="任务", kind="task"))
    win = create_main_window(store)
    qtbot.addWidget(win)
    win.show()
    settle(win)
    assert win.findChild(QLabel, "deadlineLabel").text() == \
        f"下发任务：预算支出绩效目标申报表 {due.year}年{due.month}月{due.day}日截止，剩 12 天"
    win.findChild(QAction, "unitTasksAction").trigger()
    tasks = win.unit_tasks
    assert tasks.table.item(0, 3).text() == "剩 12 天" and tasks.table.item(0, 1).text() == "预算支出绩效目标申报表"
    from perfdesk.ui import dialogs

    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "2028年校园绿化提升项目")
    monkeypatch.setattr(win, "open_form_id", lambda form_id: None)
    tasks.table.selectRow(0)
    record = tasks.start_selected()
    assert (record.form_id, record.year, record.title) == ("declaration", 2028, "2028年校园绿化提升项目")
    store.close()


def _unit_with_a_task_of_every_kind(demo_templates, tmp_path, year: int):
    """The plain demo's school (its 2026 forms: approved declarations, monitoring tables) with a task of
    `year` for every kind a unit starts here."""
    from perfdesk.domain.tasks import Deadline, OFFICE_SET

    store = Store(demo_templates.copy("full", tmp_path / "unit.db"))
    school = store.unit_by_code("201003")
    store.set_setting("unit_id", school.id)
    win = create_main_window(store)
    kinds = list(win.starts)
    due = Deadline(TODAY + dt.timedelta(days=20), OFFICE_SET)
    OfficeStore(store).receive_task(
        dict(uid="5d0c2c1e-8f1a-4b7e-a3a9-1f4e2c6b7d80", year=year, title="全年绩效报送", note="", office_code="101001",
             office_name="长治市财政局", issued_on=TODAY, deadlines={k: due for k in kinds},
             unit_codes=["201003"], version=1),
        dict(file_sha256="1" * 64, file_name="任务.pdpkg", reason="任务", kind="task"))
    return store, win, kinds


def test_a_form_started_from_a_task_has_the_tasks_year_and_kind_for_every_kind(qtbot, tmp_path, monkeypatch,
                                                                             demo_templates):
    """Whatever the main window shows (2027 chosen, a 2027 declaration selected), a form started from the
    2026 task is a 2026 form of the task's kind; each dialog shows the task's year and does not let it change."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from perfdesk.ui import dialogs
    from perfdesk.ui import new_form_dialogs as new_dialogs

    store, win, kinds = _unit_with_a_task_of_every_kind(demo_templates, tmp_path, 2026)
    qtbot.addWidget(win)
    win.show()
    settle(win)
    win.set_year(2027)
    settle(win)
    assert win.selected_year() == 2027
    asked: list[tuple[str, int, bool]] = []

    def answer(dialog):  # the clerk's answers: a period not yet monitored, a project name where one is typed
        box = getattr(dialog, "year_box", None) or getattr(dialog, "year", None)
        if box is not None:
            value = box.currentData() if isinstance(box, QComboBox) else box.value()
            asked.append((type(dialog).__name__, value, box.isEnabled()))
        if hasattr(dialog, "months"):
            dialog.months.setValue(9)
        if isinstance(dialog, new_dialogs.EvaluationFormDialog):
            if dialog.form_id in ("project_self_evaluation", "ex_ante_assessment"):
                dialog.source_box.setCurrentIndex(1)  # the (approved) declaration it follows
            elif not dialog.project_name():
                dialog.project.setText("2026年校舍维修改造项目")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", answer)
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda _parent, title, text, *a: pytest.fail(f"{title}：{text}"))
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "2026年校园绿化提升项目")
    monkeypatch.setattr(dialogs, "ask_year", lambda *a, **k: pytest.fail("the task gives the year: not asked"))
    monkeypatch.setattr(win, "open_form_id", lambda form_id: None)
    win.findChild(QAction, "unitTasksAction").trigger()
    tasks = win.unit_tasks
    made = {}
    for r, (task, kind) in enumerate(tasks.rows):
        win.table.clearSelection()
        selected = next(f for f in store.list_forms(year=2027, form_id="declaration"))
        win.refresh(select=selected.id)  # a 2027 declaration selected: not what a 2026 form starts from
        settle(win)
        tasks.table.selectRow(r)
        record = tasks.start_selected()
        assert record is not None, kind
        made[kind] = (record.form_id, record.year)
    assert made == {k: (k, 2026) for k in kinds}
    assert asked and all(year == 2026 and not enabled for _, year, enabled in asked), asked
    store.close()
