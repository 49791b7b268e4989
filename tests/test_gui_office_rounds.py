"""任务 → 下发任务 at a finance office (issue #21 item 9): the rounds of `demo --office` listed; a round made
in the real dialog by typing, changed before it is sent, exported as a signed task package through the file
dialog (the office told what was written and where); the package imported at a unit, whose 任务 shows it.

PERFDESK_SHOTS=docs writes the README's screenshot of the round's dialog (docs/office_round.png)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QPushButton  # noqa: E402

from perfdesk.store import Store  # noqa: E402
from perfdesk.store.office import OfficeStore  # noqa: E402
from perfdesk.ui.app import create_main_window  # noqa: E402
from gui_support import settle, type_chinese  # noqa: E402

SHOTS = os.environ.get("PERFDESK_SHOTS")
TODAY = dt.date.today()
PASS = "office-passphrase-2028"
YEAR = TODAY.year + 1
TITLE = "决算及绩效自评报送"


@pytest.fixture
def office(office_demo_store, request):
    """`perfdesk demo --office` with the office's signing key (`perfdesk identity create`), in the conftest's
    main window (opened once the key is made)."""
    from perfdesk.package.identity import create_identity

    fingerprint = create_identity(office_demo_store, office_demo_store.unit_by_code("101001").id, PASS).fingerprint
    return request.getfixturevalue("window"), fingerprint


def _rounds(qtbot, win):
    win.findChild(QAction, "unitTasksAction").trigger()
    rounds = win.office_rounds
    qtbot.addWidget(rounds)
    return rounds


def _clear_and_type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def _tick(qtbot, dialog, kind: str) -> None:
    from perfdesk.domain.tasks import TASK_KINDS
    from perfdesk.ui.office_rounds import COL_KIND

    dialog.kinds.setFocus()
    dialog.kinds.setCurrentCell(TASK_KINDS.index(kind), COL_KIND)
    qtbot.keyClick(dialog.kinds, Qt.Key.Key_Space)


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_the_office_lists_its_rounds_not_received_tasks(qtbot, office):
    from perfdesk.demo.demo_office import ROUND_TITLE, round_year

    win, _ = office
    rounds = _rounds(qtbot, win)
    [row] = rounds.round_texts()
    assert row[1:3] == [str(round_year(TODAY)), ROUND_TITLE] and row[4] == "36 个" and row[6] == "第 1 版（未导出）"
    assert row[3].splitlines()[1].startswith(f"项目支出绩效运行监控表：{round_year(TODAY)}年7月31日前")
    assert "还没有收到任务" not in " ".join(label.text() for label in rounds.findChildren(QLabel))


def test_a_round_made_changed_and_exported_in_the_gui_reaches_a_units_tasks(qtbot, office, tmp_path, monkeypatch,
                                                                            demo_templates):
    from perfdesk.cli import main

    win, fingerprint = office
    rounds = _rounds(qtbot, win)
    qtbot.mouseClick(rounds.findChild(QPushButton, "newRound"), Qt.MouseButton.LeftButton)
    dialog = rounds.round_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "新建任务"
    _clear_and_type(qtbot, dialog.year, str(YEAR))
    type_chinese(dialog.title_edit, TITLE)
    dialog.units.setFocus()
    qtbot.keyClick(dialog.units, Qt.Key.Key_Down)  # 长治市教育局（201）所属 6 个单位
    _clear_and_type(qtbot, dialog.issued, f"{YEAR}-03-01")
    for kind in ("declaration", "project_monitoring", "project_self_evaluation"):
        _tick(qtbot, dialog, kind)
    _save(qtbot, dialog)  # the declaration's deadline is not in the regulations: the office must give it
    assert dialog.isVisible()
    assert dialog.message.text() == f"“预算支出绩效目标申报表”的报送期限制度未规定，请在“报送期限”栏填写日期，如 {YEAR}-11-30"
    qtbot.keyClicks(dialog.due_edit("declaration"), f"{YEAR}/11/30")
    dialog.rule_box("project_self_evaluation").setFocus()
    for _ in range(3):  # relay_goals, publish_goals, publish_self_evaluation: 20 days after the issue date
        qtbot.keyClick(dialog.rule_box("project_self_evaluation"), Qt.Key.Key_Down)
    rule = dialog.rule_box("project_self_evaluation").currentData()
    assert rule == "publish_self_evaluation" and dialog.message.text() == ""
    assert dialog.source_text("project_self_evaluation") == (
        f"{YEAR}年3月21日前（依据：中卫市进一步推进预算绩效结果应用实施方案 一（四）"
        "（财政批复部门决算之日（随同部门决算“双公开”）起 20 日内））")
    assert dialog.source_text("project_monitoring").startswith(f"{YEAR}年7月31日前（依据：朔州市")
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "office_round.png"))
    _save(qtbot, dialog)
    assert not dialog.isVisible()

    made = OfficeStore(win.store).tasks("own")[0]
    assert (made.year, made.title, made.version, len(made.unit_codes)) == (YEAR, TITLE, 1, 6)
    assert made.deadlines["declaration"].due == dt.date(YEAR, 11, 30)
    assert made.deadlines["project_monitoring"].due == dt.date(YEAR, 7, 31)
    from perfdesk.domain.profiles import get_profile

    expected = get_profile("changzhi").deadlines[rule]
    assert made.deadlines["project_self_evaluation"].due == expected.due(dt.date(YEAR, 3, 1))
    assert rounds.findChild(QLabel, "roundsNote").text().startswith(f"已新建任务 {made.id}：{YEAR}年度{TITLE}，6 个单位，第 1 版")
    assert [r[2] for r in rounds.round_texts()][0] == TITLE and len(rounds.round_texts()) == 2

    # changed before it is sent: the same version, the new date
    assert rounds.selected().id == made.id
    qtbot.mouseClick(rounds.findChild(QPushButton, "editRound"), Qt.MouseButton.LeftButton)
    dialog = rounds.round_dialog
    assert dialog.windowTitle() == "修改任务" and dialog.title_edit.text() == TITLE
    assert dialog.chosen_kinds() == ["declaration", "project_monitoring", "project_self_evaluation"]
    assert dialog.due_edit("declaration").text() == f"{YEAR}-11-30"
    assert dialog.rule_box("project_self_evaluation").currentData() == rule
    _clear_and_type(qtbot, dialog.due_edit("declaration"), f"{YEAR}-12-15")
    _save(qtbot, dialog)
    changed = OfficeStore(win.store).task(made.id)
    assert changed.version == 1 and changed.deadlines["declaration"].due == dt.date(YEAR, 12, 15)
    assert changed.deadlines["project_self_evaluation"] == made.deadlines["project_self_evaluation"]
    assert rounds.round_texts()[0][3].splitlines()[0] == f"预算支出绩效目标申报表：{YEAR}年12月15日前"

    # exported: the passphrase typed, the file chosen, the office told what was written and where
    target = tmp_path / "下发" / "任务.pdpkg"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "签名数据包 (*.pdpkg)"))
    qtbot.keyClicks(rounds.passphrase, PASS)
    qtbot.mouseClick(rounds.findChild(QPushButton, "exportRound"), Qt.MouseButton.LeftButton)
    note = rounds.findChild(QLabel, "roundsNote").text()
    assert target.is_file(), note
    assert note.startswith(f"已导出任务包：{target}\n{YEAR}年度{TITLE}，第 1 版，6 个单位")
    from perfdesk.package import keys

    assert keys.grouped(fingerprint) in note
    assert rounds.round_texts()[0][6] == "第 1 版（已导出）"

    # at the school: the office's key registered, the package imported, its 任务 shows the round
    unit_url = demo_templates.copy("declarations", tmp_path / "unit.db")
    unit = Store(unit_url)
    unit.set_setting("unit_id", unit.unit_by_code("201003").id)
    unit.close()
    assert main(["--db", unit_url, "trust", "add", "--office", "--code", "101001", "--name", "长治市财政局",
                 "--fingerprint", fingerprint]) == 0
    assert main(["--db", unit_url, "task", "import", str(target)]) == 0
    unit = Store(unit_url)
    school = create_main_window(unit)
    qtbot.addWidget(school)
    school.show()
    settle(school)
    school.findChild(QAction, "unitTasksAction").trigger()
    tasks = school.unit_tasks
    qtbot.addWidget(tasks)
    shown = [[tasks.table.item(r, c).text() for c in range(3)] for r in range(tasks.table.rowCount())]
    assert shown == [[f"{YEAR}年度{TITLE}（长治市财政局）", "预算支出绩效目标申报表", f"{YEAR}年12月15日"],
                     [f"{YEAR}年度{TITLE}（长治市财政局）", "项目支出绩效运行监控表", f"{YEAR}年7月31日"],
                     [f"{YEAR}年度{TITLE}（长治市财政局）", "项目支出绩效自评表",
                      f"{made.deadlines['project_self_evaluation'].due.year}年"
                      f"{made.deadlines['project_self_evaluation'].due.month}月"
                      f"{made.deadlines['project_self_evaluation'].due.day}日"]]
    inbox = school.show_package_inbox()  # 收件记录 names the package in Chinese
    qtbot.addWidget(inbox)
    assert inbox.table.item(0, 2).text() == "下发任务"
    unit.close()


def test_a_round_changed_after_it_was_sent_becomes_its_next_version(qtbot, office, tmp_path, monkeypatch):
    win, _ = office
    rounds = _rounds(qtbot, win)
    sent = tmp_path / "v1.pdpkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(sent), ""))
    qtbot.keyClicks(rounds.passphrase, PASS)
    qtbot.mouseClick(rounds.export_button, Qt.MouseButton.LeftButton)
    assert sent.is_file()
    qtbot.mouseClick(rounds.edit_button, Qt.MouseButton.LeftButton)
    dialog = rounds.round_dialog
    type_chinese(dialog.note, "（补充通知）")
    _save(qtbot, dialog)
    task = OfficeStore(win.store).tasks("own")[0]
    assert task.version == 2 and task.note.endswith("（补充通知）")
    assert "请重新导出任务包" in rounds.findChild(QLabel, "roundsNote").text()
    assert rounds.round_texts()[0][6] == "第 2 版（未导出）"


def test_a_wrong_passphrase_writes_nothing_and_says_so(qtbot, office, tmp_path, monkeypatch):
    win, _ = office
    rounds = _rounds(qtbot, win)
    target = tmp_path / "任务.pdpkg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.keyClicks(rounds.passphrase, "not-the-passphrase")
    qtbot.mouseClick(rounds.export_button, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert rounds.findChild(QLabel, "roundsNote").text().startswith("未能导出任务包：")


def test_a_changed_round_keeps_its_units(qtbot, office):
    """A round sent to one 主管部门's units is changed with that choice shown, and keeps its six units."""
    win, _ = office
    rounds = _rounds(qtbot, win)
    qtbot.mouseClick(rounds.new_button, Qt.MouseButton.LeftButton)
    dialog = rounds.round_dialog
    type_chinese(dialog.title_edit, TITLE)
    dialog.units.setFocus()
    qtbot.keyClick(dialog.units, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.units, Qt.Key.Key_Down)  # 长治市卫生健康委员会（202）
    _tick(qtbot, dialog, "project_monitoring")
    _save(qtbot, dialog)
    made = OfficeStore(win.store).tasks("own")[0]
    assert {c[:3] for c in made.unit_codes} == {"202"} and len(made.unit_codes) == 6
    qtbot.mouseClick(rounds.edit_button, Qt.MouseButton.LeftButton)
    dialog = rounds.round_dialog
    assert dialog.units.currentText() == "长治市卫生健康委员会（202）所属 6 个单位"
    _save(qtbot, dialog)
    assert OfficeStore(win.store).task(made.id).unit_codes == made.unit_codes


def test_without_a_signing_key_the_office_is_told_before_choosing_a_file(qtbot, office_demo_store, window,
                                                                           monkeypatch):
    win = window
    rounds = _rounds(qtbot, win)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("no key: no file to choose"))
    qtbot.mouseClick(rounds.export_button, Qt.MouseButton.LeftButton)
    assert rounds.findChild(QLabel, "roundsNote").text() == (
        "长治市财政局还没有签名密钥：请先在“提交包 → 签名密钥”中生成，并把公钥登记表交各单位登记，再导出任务包。")
