"""Every dialog's 帮助 opens the manual at its own page, and every page it names is in the manual."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QDialog, QPushButton  # noqa: E402

from perfdesk.ui import help_window  # noqa: E402

SOURCES = Path(help_window.__file__).parent


def test_each_page_a_dialog_names_is_an_anchor_of_the_manual():
    manual = help_window.manual_path().read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a name="([a-z]+)"></a>', manual))
    named = set()
    for source in SOURCES.rglob("*.py"):
        named |= set(re.findall(r'(?:add_help_button\(\w+|show_manual\([^,]+), "([a-z]+)"\)', source.read_text(encoding="utf-8")))
    assert {"new", "indicators", "review", "recycle", "print", "check", "package", "board", "tasks"} <= named
    assert named <= set(help_window.PAGES) == anchors
    for anchor in anchors:
        assert f'href="#{anchor}"' in manual  # listed at the top


def dialogs(store):
    """(dialog, page) for every dialog a clerk or an office meets, built as the windows build them."""
    from perfdesk.domain.lifecycle import Status
    from perfdesk.ui.editor.indicator_picker import IndicatorPicker
    from perfdesk.ui.library_browser import LibraryBrowser
    from perfdesk.ui.main_window import FindingsDialog
    from perfdesk.ui.new_form_dialogs import (
        DepartmentMonitoringDialog, EvaluationFormDialog, MonitoringSourceDialog, ProjectMonitoringDialog)
    from perfdesk.ui.packages.export_dialog import ExportDialog
    from perfdesk.ui.packages.import_dialog import ImportDialog
    from perfdesk.ui.packages.passphrase import NewPassphraseDialog
    from perfdesk.ui.packages.trust_dialog import TrustDialog
    from perfdesk.ui.preview import PrintPreviewDialog
    from perfdesk.ui.recycle_bin import RecycleBinDialog
    from perfdesk.ui.review_dialog import ReviewDialog
    from perfdesk.ui.setup_dialog import UnitSetupDialog
    from perfdesk.ui.office_desk import StatusBoardWindow, UnitTasksWindow
    from perfdesk.ui.summary_view import SummaryWindow
    from perfdesk.app.operations import render

    forms = store.list_forms()
    unit = store.units()[0]
    declaration = next(f for f in forms if f.form_id == "declaration" and f.status is Status.CHECKED)
    monitoring = [f for f in forms if f.form_id == "project_monitoring"]
    declarations = lambda year: [f for f in forms if f.form_id == "declaration" and f.year == year]  # noqa: E731
    store.set_setting("role", "finance")
    waiting = next(f for f in forms if f.title == "2027年校园网络升级项目")
    yield UnitSetupDialog(store, unit), "start"
    yield ProjectMonitoringDialog(declarations, [2027], 2027), "new"
    yield DepartmentMonitoringDialog(unit, 2027), "new"
    yield MonitoringSourceDialog(monitoring), "new"
    yield EvaluationFormDialog("evaluation_report", unit, declarations, 2027), "new"
    yield IndicatorPicker([("产出指标", "数量指标")], ("产出指标", "数量指标")), "indicators"
    yield LibraryBrowser(), "indicators"
    yield FindingsDialog(declaration.title, ["错误 …"]), "check"
    yield PrintPreviewDialog(render(store, store.get_form(declaration.id)).pdf, declaration.title), "print"
    yield ReviewDialog(store, waiting.id), "review"
    yield RecycleBinDialog(store), "recycle"
    yield ExportDialog(store, declaration.id), "package"
    yield NewPassphraseDialog(None), "package"
    yield ImportDialog(store), "package"
    yield TrustDialog(store), "package"
    yield SummaryWindow(store, 2027), "summary"
    yield StatusBoardWindow(store), "board"
    yield UnitTasksWindow(None, store), "tasks"


def test_every_dialogs_help_button_opens_its_page(qtbot, full_demo_store, monkeypatch):
    pages = []
    monkeypatch.setattr(help_window.HelpWindow, "show_page", lambda self, page="start": pages.append(page))
    for dialog, page in dialogs(full_demo_store):
        qtbot.addWidget(dialog)
        button = dialog.findChild(QPushButton, "helpButton")
        assert button is not None and button.text() == "帮助", type(dialog).__name__
        button.click()
        assert pages[-1] == page, type(dialog).__name__
        if isinstance(dialog, QDialog):
            dialog.reject()
