"""The main window, checked as a user sees it: rows, amounts, year and search filters, the status
bar, the check results of a form, opening a form and the menus. The workflows (new, duplicate,
delete, export, print, batch) are in test_gui_workflows.py."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtCore import Qt, Signal  # noqa: E402
from PySide6.QtGui import QAction, QFont, QFontMetrics  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication, QComboBox, QDialog, QLabel, QLineEdit, QListWidget, QMainWindow, QTableView)

from perfdesk.store import Store  # noqa: E402
from perfdesk.ui.app import create_main_window, install_fonts  # noqa: E402
from perfdesk.ui.form_list_model import COL_ALERTS, COL_AMOUNT, COL_DUE, COL_KIND, COL_TITLE, COL_UNIT, HEADERS
from gui_support import type_chinese  # noqa: E402

YEAR = 2027


@pytest.fixture
def window(demo_store, window):
    """The conftest's main window, on the demo's declarations."""
    return window


def wait_listed(qtbot, win) -> None:
    """The list is read in the background: wait until it shows what the store holds."""
    qtbot.waitUntil(lambda: not win.is_loading(), timeout=10_000)


def table(win) -> QTableView:
    return win.findChild(QTableView, "formTable")


def cell(win, row: int, column: int) -> str:
    model = table(win).model()
    return model.data(model.index(row, column))


def column(win, col: int) -> list[str]:
    return [cell(win, row, col) for row in range(table(win).model().rowCount())]


def row_of(win, title: str) -> int:
    return column(win, COL_TITLE).index(title)



def status(win) -> str:
    return win.statusBar().findChild(QLabel, "formCount").text()


def test_window_lists_every_demo_form(window):
    assert window.windowTitle() == "PerfDesk 预算绩效填报桌面端"
    view = table(window)
    headers = [view.model().headerData(i, Qt.Orientation.Horizontal) for i in range(view.model().columnCount())]
    assert headers == ["编号", "年度", "类型", "状态", "标题", "单位", "金额（万元）", "截止", "预警", "最后修改"] \
        == list(HEADERS)
    assert set(column(window, COL_KIND)) == {"预算支出绩效目标申报表"}
    assert view.isColumnHidden(COL_DUE) and view.isColumnHidden(COL_ALERTS)  # no declaration has either
    assert view.model().rowCount() == 5
    assert set(column(window, COL_UNIT)) == {"长治市第一中学", "长子县农业农村局"}
    assert status(window) == "共 5 份表单"


def test_rows_keep_the_store_order_newest_first(window, demo_store):
    assert column(window, 0) == [str(f.id) for f in demo_store.list_forms()]


def test_interface_font_is_a_shipped_chinese_font(window):
    shipped = install_fonts()
    assert shipped, "no font found in perfdesk.paths.fonts_dir()"
    family = QApplication.font().families()[0]
    assert family in shipped
    assert QFontMetrics(QFont(family)).inFontUcs4(ord("预"))


def test_amounts_are_formatted_and_right_aligned(window):
    model = table(window).model()
    row = row_of(window, f"{YEAR}年教师能力提升培训专项")
    assert cell(window, row, COL_AMOUNT) == "120.00"
    alignment = model.data(model.index(row, COL_AMOUNT), Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(alignment) & Qt.AlignmentFlag.AlignRight


def test_last_modified_is_local_time_to_the_minute(window, demo_store):
    row = row_of(window, f"{YEAR}年校园安全监控系统建设")
    record = next(f for f in demo_store.list_forms() if f.title == f"{YEAR}年校园安全监控系统建设")
    shown = cell(window, row, len(HEADERS) - 1)
    assert shown == record.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert len(shown) == len("2026-11-21 14:05")


def test_year_selector_filters_forms(qtbot, window):
    box = window.findChild(QComboBox, "yearBox")
    assert [box.itemText(i) for i in range(box.count())][0] == "全部年度"
    assert {box.itemData(i) for i in range(1, box.count())} == {YEAR, YEAR - 1}
    box.setCurrentIndex(box.findData(YEAR - 1))
    wait_listed(qtbot, window)
    assert table(window).model().rowCount() == 1
    assert column(window, COL_TITLE) == [f"{YEAR - 1}年校舍维修改造项目"]
    assert status(window) == "共 1 份表单"
    box.setCurrentIndex(box.findData(YEAR))
    wait_listed(qtbot, window)
    assert table(window).model().rowCount() == 4
    box.setCurrentIndex(0)
    wait_listed(qtbot, window)
    assert table(window).model().rowCount() == 5


def test_search_filters_as_you_type_and_clearing_restores(qtbot, window):
    search = window.findChild(QLineEdit, "searchBox")
    assert search.placeholderText() == "搜索标题或单位…"
    search.setFocus()
    type_chinese(search, "农")  # 农 is in the 农田 title and in the 农业农村局 unit: one form
    assert search.text() == "农"
    assert table(window).model().rowCount() == 1
    type_chinese(search, "田")
    assert search.text() == "农田"
    assert table(window).model().rowCount() == 1
    assert "高标准农田" in cell(window, 0, COL_TITLE)
    assert status(window) == "共 1 份表单"
    qtbot.keyClicks(search, "xyz")  # ASCII goes through real key events
    assert search.text() == "农田xyz"
    assert table(window).model().rowCount() == 0
    assert status(window) == "共 0 份表单"
    search.clear()
    assert table(window).model().rowCount() == 5
    assert status(window) == "共 5 份表单"


def test_search_matches_unit_names_too(qtbot, window):
    search = window.findChild(QLineEdit, "searchBox")
    type_chinese(search, "第一中学")
    assert table(window).model().rowCount() == 4
    assert set(column(window, COL_UNIT)) == {"长治市第一中学"}


def test_findings_dialog_lists_the_check_results(qtbot, window):
    title = f"{YEAR}年校园安全监控系统建设"
    view = table(window)
    dialog = window.show_findings(view.model().index(row_of(window, title), 0))
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == f"校验结果 – {title}"
    lines = dialog.findChild(QListWidget, "findingsList")
    texts = [lines.item(i).text() for i in range(lines.count())]
    assert any("不相等" in text for text in texts)
    assert any(text.startswith("[错误]") for text in texts)
    dialog.close()


def test_findings_dialog_says_when_there_is_nothing_to_fix(qtbot, window):
    title = f"{YEAR}年教师能力提升培训专项"
    dialog = window.show_findings(table(window).model().index(row_of(window, title), 0))
    lines = dialog.findChild(QListWidget, "findingsList")
    assert [lines.item(i).text() for i in range(lines.count())] == ["未发现问题"]
    dialog.close()


class FakeEditor(QMainWindow):
    """Stands in for perfdesk.ui.editor.DeclarationEditor: same constructor and saved(int) signal."""

    saved = Signal(int)
    opened: list[int] = []

    def __init__(self, store, form_instance_id, *, role="unit", autosave_ms=1500, parent=None):
        super().__init__(parent)
        self.form_instance_id = form_instance_id
        FakeEditor.opened.append(form_instance_id)


@pytest.fixture
def fake_editor(window):
    FakeEditor.opened = []
    window.editor_factory = FakeEditor
    return FakeEditor


def test_double_click_opens_the_editor(qtbot, window, fake_editor, demo_store):
    view = table(window)
    title = f"{YEAR}年高标准农田建设项目"
    index = view.model().index(row_of(window, title), 0)
    view.doubleClicked.emit(index)
    form_id = next(f.id for f in demo_store.list_forms() if f.title == title)
    assert fake_editor.opened == [form_id]
    assert window.editors[form_id].isVisible()
    view.doubleClicked.emit(index)  # a second time brings the same window forward
    assert fake_editor.opened == [form_id]
    window.editors[form_id].close()
    qtbot.waitUntil(lambda: form_id not in window.editors)


def test_enter_opens_the_selected_form(qtbot, window, fake_editor):
    view = table(window)
    view.selectRow(0)
    view.setFocus()
    window.activateWindow()
    qtbot.waitUntil(lambda: view.hasFocus())
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert fake_editor.opened == [window.record_at(view.model().index(0, 0)).id]


def test_check_action_shows_the_findings(qtbot, window):
    title = f"{YEAR}年高标准农田建设项目"
    table(window).selectRow(row_of(window, title))
    window.findChild(QAction, "checkAction").trigger()
    dialog = window.findChild(QDialog, "findingsDialog")
    assert dialog is not None and dialog.windowTitle() == f"校验结果 – {title}"
    dialog.close()


def test_empty_store_says_how_to_get_sample_data(qtbot, store):
    win = create_main_window(store)
    qtbot.addWidget(win)
    wait_listed(qtbot, win)
    assert table(win).model().rowCount() == 0
    box = win.findChild(QComboBox, "yearBox")
    assert [box.itemText(i) for i in range(box.count())] == ["全部年度"]
    assert status(win) == "没有表单。可点击右下角的“导入示例数据”熟悉填写，或新建表单。"


def test_menus_are_in_chinese(window):
    menus = [action.text() for action in window.menuBar().actions()]
    assert [m.split("(")[0] for m in menus] == ["文件", "表单", "工具", "任务", "提交包", "设置", "帮助"]
    menu = {m.split("(")[0]: action.menu() for m, action in zip(menus, window.menuBar().actions())}
    file_actions = [a for a in menu["文件"].actions() if not a.isSeparator()]
    quit_action = next(a for a in file_actions if a.text().startswith("退出"))
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    assert [a.text().split("(")[0] for a in file_actions] == [
        "新建", "新建表单", "打开", "打印预览", "导出 PDF", "导出 Excel", "批量导出", "批量打印", "刷新",
        "导出 Excel 填报模板", "从 Excel 导入", "按列导入表格行", "备份数据库", "恢复备份", "打开其他数据库", "最近使用的数据库", "退出"]
    new_forms = [a.text() for a in file_actions[1].menu().actions() if not a.isSeparator()]
    assert new_forms == ["新建绩效目标申报表…", "新建事前绩效评估表…", "新建项目监控表…", "新建部门整体监控表…",
                         "生成监控分析报告…", "新建绩效报告（提纲）…", "新建预算绩效评价报告…", "新建反馈意见函…",
                         "新建整改报告书…", "新建项目支出绩效自评表…", "新建部门整体支出绩效自评表…",
                         "新建市直部门考核评分表…", "新建县（市、区）财政局考核评分表…"]
    form_actions = [a.text().split("(")[0] for a in menu["表单"].actions() if a.text()]
    assert form_actions == ["复制到新年度", "删除", "校验", "回收站"]
    assert [a.text().split("(")[0] for a in menu["工具"].actions()] == ["指标库", "汇总与图表"]
    assert [a.text().split("(")[0] for a in menu["提交包"].actions() if a.text()] == [
        "收件记录", "导入数据包", "生成报送数据包", "审核", "转发审核结果", "可信公钥", "签名密钥"]
    assert [a.text().split("(")[0] for a in menu["设置"].actions()] == ["单位设置"]
    assert [a.text().split("(")[0] for a in menu["帮助"].actions()] == ["使用手册", "关于"]


def test_run_gui_shows_the_window_and_returns_the_exit_code(qtbot, tmp_path):
    from PySide6.QtCore import QTimer

    from perfdesk.ui.app import run_gui
    from perfdesk.ui.main_window import MainWindow

    seen = []

    def look_and_quit():
        seen.extend(w.windowTitle() for w in QApplication.topLevelWidgets()
                    if isinstance(w, MainWindow) and w.isVisible())
        QApplication.instance().exit(7)

    url = f"sqlite:///{tmp_path}/gui.db"
    with Store(url) as store:  # a unit is set up, so no first-run dialog
        store.add_unit(name="长治市第一中学", code="201003", supervisor_name="长治市教育局",
                       supervisor_code="201", region="长治市", level="市级", profile="changzhi")
    QTimer.singleShot(0, look_and_quit)
    assert run_gui(url) == 7
    assert seen == ["PerfDesk 预算绩效填报桌面端"]
    assert QApplication.applicationName() == "PerfDesk"
    assert QApplication.organizationName() == "PerfDesk"


def test_run_gui_reports_a_database_it_cannot_open(monkeypatch, qapp, tmp_path):
    import perfdesk.ui.app as app_module

    shown = []
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert app_module.run_gui(f"sqlite:///{tmp_path}/missing/dir/x.db") == 1
    assert len(shown) == 1 and "无法打开数据库" in shown[0]
