"""What the office reads in its lists (issue #21 item 10): the 催报 list exported under the 报送情况's
filter lists exactly the units shown; 收件记录 names every kind of package in Chinese; the 结果应用清单
sets each amount beside the project and grade it belongs to, not after the long 结果应用 sentence."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QPushButton  # noqa: E402

from perfdesk.store import Store  # noqa: E402
from perfdesk.ui.app import create_main_window  # noqa: E402
from gui_support import settle  # noqa: E402
from test_package_support import stores, world  # noqa: E402,F401

TODAY = dt.date.today()


@pytest.fixture
def office_win(office_demo_store, window):
    """The conftest's main window, on `perfdesk demo --office`."""
    return window


def _exported_codes(path) -> list[str]:
    from openpyxl import load_workbook

    sheet = load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if "单位编码" in row)
    col = rows[header].index("单位编码")
    return [str(row[col]) for row in rows[header + 1:] if row[col] not in (None, "", "单位编码")]  # header repeats per page


def test_the_chase_list_exports_exactly_the_units_the_filter_shows(qtbot, office_win, tmp_path, monkeypatch):
    office_win.findChild(QAction, "statusBoardAction").trigger()
    board = office_win.status_board
    qtbot.addWidget(board)
    board.findChild(QComboBox, "filterBox").setCurrentText("逾期")
    shown = [name.rpartition("（")[2].rstrip("）") for name in board.shown_units()]
    assert len(shown) == 20
    target = tmp_path / "逾期催报.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Excel 工作簿 (*.xlsx)"))
    qtbot.mouseClick(board.xlsx_button, qtbot_left())
    with qtbot.waitSignal(board.job.done, timeout=20_000):
        pass
    assert sorted(_exported_codes(target)) == sorted(shown)
    assert board.findChild(QLabel, "exportNote").text() == f"已导出催报名单（筛选“逾期”，20 个单位）：{target}"

    # 待审: handed in, nobody to chase; the buttons say so instead of writing a list of no one
    board.findChild(QComboBox, "filterBox").setCurrentText("待审")
    assert not board.findChild(QPushButton, "chasePdf").isEnabled()
    assert "无需催报" in board.xlsx_button.toolTip()


def test_the_cli_chase_list_follows_the_filter_too(tmp_path, capsys, demo_templates):
    from perfdesk.cli import main

    url = demo_templates.copy(f"office {TODAY.isoformat()}", tmp_path / "office.db")
    target = tmp_path / "催报.xlsx"
    assert main(["--db", url, "status-board", "--filter", "逾期", "--xlsx", str(target)]) == 0
    out = capsys.readouterr().out
    printed = [line.split()[0] for line in out.splitlines() if line.startswith("　") and line.split()[0].isdigit()]
    assert len(printed) == 20 and sorted(_exported_codes(target)) == sorted(printed)
    assert "已导出催报名单（20 个单位）" in out


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_inbox_names_a_relayed_answer_in_chinese(qtbot, world, stores, tmp_path):
    """A return relayed down by the 主管部门 arrives at the unit; 收件记录's 类型 says what it is."""
    from perfdesk.package.importer import import_bytes
    from perfdesk.app.review_moves import relay
    from test_package_support import decide_at, office_signer
    from test_review_chain import SUPERVISOR, SUPERVISOR_PASS, _forwarded, _signer
    from perfdesk.package.identity import create_identity

    unit, office = stores
    supervisor = Store(f"sqlite:///{tmp_path / 'supervisor.db'}")
    own = supervisor.add_unit(**SUPERVISOR)
    supervisor.set_setting("role", "supervisor")
    supervisor.set_setting("unit_id", own.id)
    create_identity(supervisor, own.id, SUPERVISOR_PASS)
    outer, at_supervisor = _forwarded(world, supervisor, tmp_path)
    copy = import_bytes(office, outer, "forward", trust_new=True)
    answer = decide_at(office, copy.form_instance_id, "return", tmp_path, office_signer(office), opinion="退回",
                       letter="请补充测算依据。", reasons={"necessity": "写明依据"})
    assert import_bytes(supervisor, answer, "answer", trust_new=True).status == "imported"
    relayed = relay(supervisor, at_supervisor, _signer(supervisor), tmp_path / "down.pdpkg", note="请按意见修改。")
    assert import_bytes(unit, relayed.data, "down.pdpkg", trust_new=True).status == "imported"
    supervisor.close()

    win = create_main_window(unit)
    qtbot.addWidget(win)
    win.show()
    settle(win)
    dialog = win.show_package_inbox()
    qtbot.addWidget(dialog)
    kinds = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert kinds == ["主管部门转发审核结果"]
    dialog.table.selectRow(0)
    assert "relay" not in dialog.details.toPlainText()
    from perfdesk.package.manifest import KIND_LABELS, REQUIRED

    assert set(KIND_LABELS) == set(REQUIRED)  # every kind of package has its label


def test_the_results_list_sets_each_amount_beside_its_grade(qtbot, office_win, tmp_path):
    """结果应用清单 of `demo --office`: on screen and in the printed PDF, the project's 涉及金额 and 压减金额
    follow its 等次 on the same line; the long 结果应用 sentence comes after them."""
    import re
    import subprocess

    from perfdesk.demo.demo_office import round_year
    from perfdesk.domain import money

    window = office_win.show_summary()
    qtbot.addWidget(window)
    window.year.setValue(round_year(TODAY))
    window.kind.setCurrentIndex(window.kind.findData("results"))
    qtbot.waitUntil(lambda: window.composed is not None and window.composed.table.kind == "results"
                    and not window.is_working(), timeout=20_000)
    table = window.tabs.widget(0)
    labels = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    grade = labels.index("等次")
    assert labels[grade + 1:grade + 4] == ["涉及金额（本年预算）", "压减金额", "结果应用"]
    amount = grade + 1
    right = table.columnViewportPosition(amount) + table.columnWidth(amount)
    assert right <= table.viewport().width(), "the amount is off the screen, behind the sentence"
    rows = window.composed.summary.values["projects"]
    assert table.item(0, amount).text() == money.format_amount(rows[0]["amount"])

    pdf = tmp_path / "结果应用清单.pdf"
    window.export("pdf", pdf)
    qtbot.waitUntil(lambda: window.status.text().startswith("已导出"), timeout=20_000)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    header = next(line for line in text.splitlines() if "等次" in line and "压减金额" in line)
    assert header.index("等次") < header.index("压减金额") < header.index("结果应用")
    for row in rows:
        amount, cut = (re.escape(money.format_amount(row[k])) for k in ("amount", "cut"))
        line = rf"{row['grade']}\s+{amount}\s+{cut}"
        assert re.search(line, text), f"{row['project']}: {row['grade']} is not followed by its amounts"
