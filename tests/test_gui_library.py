"""工具 → 指标库 (issue 5: the library can be browsed in the GUI, and its indicators picked into a
declaration or an evaluation): the tree, the search, the detail pane, the calculator and
加入当前表单 into a real form editor, with undo."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import pytest  # noqa: E402
from PySide6.QtWidgets import QLineEdit, QPushButton, QTextBrowser, QTreeWidget  # noqa: E402

from perfdesk.demo.demo_forms import load_evaluation_demo  # noqa: E402
from perfdesk.domain import indicator_library  # noqa: E402
from perfdesk.ui.editor import FormEditor  # noqa: E402
from perfdesk.ui.library_browser import NO_TARGET, LibraryBrowser  # noqa: E402

REPAIR = "2027年校舍维修改造项目"
EVALUATION = "2025年校舍维修改造项目预算绩效评价报告"


@pytest.fixture
def browser(qtbot):
    dialog = LibraryBrowser()
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def editors(demo_store, open_editor):
    """The conftest's editors, by title, on the demo with the evaluation round of 2025; editors.opened is what
    the browser is given: the editors, the last opened first."""
    load_evaluation_demo(demo_store, 2025)

    def open_(title: str) -> FormEditor:
        editor = open_editor(title, autosave_ms=60_000, focus=False)
        open_.opened = open_editor.opened[::-1]
        return editor

    open_.opened = []
    return open_


def tree_texts(item) -> list[str]:
    return [item.child(i).text(0) for i in range(item.childCount())]


def test_tree_has_the_common_groups_the_families_and_weighted_qualitative_indicators(browser):
    tree = browser.findChild(QTreeWidget, "libraryTree")
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [t.text(0) for t in tops[:3]] == ["共性指标", "个性指标", "定性指标"]
    assert len(tree_texts(tops[0])) == 8 and tree_texts(tops[0])[3] == "4. 资金落实情况"
    assert len(tree_texts(tops[1])) == 9 and tree_texts(tops[1])[2] == "3. 财政教育支出指标"
    qualitative = [(tops[2].child(i).text(0), tops[2].child(i).text(1)) for i in range(tops[2].childCount())]
    assert qualitative[0] == ("职能目标完成效率", "权数 30")
    assert len(qualitative) == 5
    assert sum(int(w.removeprefix("权数 ")) for _, w in qualitative) == 100
    assert set(browser.visible_entries()) >= {i.id for i in indicator_library.common_indicators()}


def test_search_finds_the_rate_and_shows_its_formula_and_inputs(qtbot, browser):
    search = browser.findChild(QLineEdit, "librarySearch")
    search.setText("资金到位率")
    assert browser.visible_entries()[0] == "common.12"
    assert set(browser.visible_entries()) == {e.id for e in indicator_library.search("资金到位率")}
    assert browser.current_entry().name == "资金到位率"  # the first match is shown
    detail = browser.findChild(QTextBrowser, "libraryDetail").toPlainText()
    assert "资金到位率=实际拨付金额/计划投入资金×100%" in detail
    assert "实际拨付金额" in detail and "计划投入资金" in detail and "越高越好" in detail
    search.clear()
    assert len(browser.visible_entries()) > 100  # everything again


def test_calculator_computes_the_rate_from_the_typed_figures(browser):
    browser.findChild(QLineEdit, "librarySearch").setText("资金到位率")
    # The library names the inputs 实际拨付金额 and 计划投入资金 (万元).
    browser.findChild(QLineEdit, "input_paid").setText("95")
    browser.input_edit("计划投入资金").setText("100")
    browser.findChild(QPushButton, "calculateButton").click()
    assert browser.result_text() == "资金到位率 = 95.00%"


def test_zero_denominator_and_bad_figures_are_said_in_chinese(browser):
    browser.select("common.12")
    browser.input_edit("实际拨付金额").setText("95")
    browser.input_edit("计划投入资金").setText("0")
    browser.findChild(QPushButton, "calculateButton").click()
    assert browser.result_text() == "“计划投入资金”为 0，无法计算资金到位率"
    edit = browser.input_edit("计划投入资金")
    edit.setText("一百")
    assert "不是有效的数字" in edit.toolTip()  # marked as typed
    assert browser.calculate() == "“计划投入资金”填写的“一百”不是有效的数字，请只填写数字，例如 12.5"
    edit.setText("１００")  # full-width digits are numbers
    assert edit.toolTip() == "" and browser.calculate() == "95.00%"
    browser.input_edit("实际拨付金额").clear()
    assert browser.calculate() == "缺少“实际拨付金额”，请填写"


def test_an_indicator_without_a_formula_has_no_calculator(browser):
    browser.select("common.1")  # 依据的充分性: 评价判断
    assert not browser.calculator.isEnabled()
    assert "没有计算公式" in browser.findChild(QTextBrowser, "libraryDetail").toPlainText()


def test_add_to_form_needs_an_open_declaration_or_evaluation(browser):
    browser.select("common.12")
    assert browser.target_box.currentText() == NO_TARGET
    assert not browser.findChild(QPushButton, "addToFormButton").isEnabled()
    assert not browser.add_to_form()


def test_add_to_an_open_declaration_under_the_chosen_heading_and_undo(qtbot, editors):
    editor = editors(REPAIR)
    browser = LibraryBrowser(lambda: editors.opened)
    qtbot.addWidget(browser)
    browser.select("common.12")
    assert browser.target_editor() is editor
    assert browser.group_box.currentText() == "年度绩效指标 › 产出指标 › 数量指标"
    assert browser.choose_group("产出指标", "质量指标")
    before = len(editor.document()["annual_indicators"])
    browser.findChild(QPushButton, "addToFormButton").click()
    rows = editor.document()["annual_indicators"]
    assert len(rows) == before + 1
    added = next(r for r in rows if r["content"] == "资金到位率")
    assert (added["level1"], added["level2"], added["kind"]) == ("产出指标", "质量指标", "定量")
    # Inserted where its heading ends, so the stored order stays the printed order.
    quality = [i for i, r in enumerate(rows) if (r["level1"], r["level2"]) == ("产出指标", "质量指标")]
    assert rows.index(added) == quality[-1]
    assert "已把“资金到位率”加入" in browser.add_status.text()
    browser.select("qual.service")  # a 定性指标 is judged, not computed
    browser.add_to_form()
    assert editor.document()["annual_indicators"][quality[-1] + 1]["kind"] == "定性"
    editor.undo_stack().undo()
    editor.undo_stack().undo()
    assert len(editor.document()["annual_indicators"]) == before
    browser.close()


def test_add_to_an_evaluation_report_as_a_specific_indicator(qtbot, editors):
    editors(REPAIR)
    report = editors(EVALUATION)  # last opened: offered first
    browser = LibraryBrowser(lambda: editors.opened)
    qtbot.addWidget(browser)
    assert browser.target_editor() is report
    browser.select("common.12")
    # A 共性指标 is offered under the 基本指标 of its group's name.
    assert browser.group_box.currentText() == "财务指标 › 1.资金落实情况"
    browser.add_to_form()
    financial = report.document()["financial_indicators"]
    assert [r["content"] for r in financial if r["level1"] == "1.资金落实情况"] == ["资金到位率", "资金到位率"]
    browser.select("common.5")  # 目标完成率
    assert browser.choose_group("业务指标", "2.目标完成程度")
    browser.add_to_form()
    business = report.document()["business_indicators"]
    assert business[-1]["level1"] == "2.目标完成程度" and business[-1]["content"] == "目标完成率"  # 具体指标
    browser.close()


def test_targets_follow_the_editors(qtbot, editors):
    browser = LibraryBrowser(lambda: editors.opened)
    qtbot.addWidget(browser)
    assert browser.target_editor() is None
    declaration = editors(REPAIR)
    browser.refresh_targets()
    assert browser.target_editor() is declaration
    assert browser.target_box.currentText() == declaration.windowTitle()
    browser.close()


def test_tools_menu_opens_one_browser_that_adds_to_the_open_declaration(qtbot, full_demo_store, window):
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QDialog

    form = next(f.id for f in full_demo_store.list_forms(form_id="declaration") if f.title == REPAIR)
    editor = window.open_form_id(form)
    window.findChild(QAction, "libraryAction").trigger()
    browser = window.findChild(QDialog, "libraryBrowser")
    assert browser is not None and browser.isVisible() and browser is window.show_library()  # one browser
    browser.findChild(QLineEdit, "librarySearch").setText("资金到位率")
    assert browser.target_editor() is editor
    before = len(editor.document()["annual_indicators"])
    browser.findChild(QPushButton, "addToFormButton").click()
    assert len(editor.document()["annual_indicators"]) == before + 1
    editor.close()  # saves; the browser no longer offers it
    qtbot.waitUntil(lambda: browser.target_editor() is None)
    assert any(r["content"] == "资金到位率" for r in full_demo_store.get_form(form).data["annual_indicators"])
    window.close()
    assert window.library is None or not window.library.isVisible()
