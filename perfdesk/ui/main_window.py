"""The main window: the stored forms by kind and year, a search box, and what a clerk does with a form.

The navigation pane groups the kinds as the year runs: 绩效目标申报 (declarations), 运行监控 (the July
monitoring tables and their analysis report), 绩效评价 (the evaluation round) and 提交包 (the package
dialogs, when installed). This module builds the window and assembles its parts, one file per screen
area, none of which imports it back: `main_sections` (what the pane lists), `main_list` (the list, its
filters and selection), `main_actions` (actions, menus, toolbar), `new_form_flows` (新建),
`form_actions` (open, copy, delete, check, preview, export) and `package_actions` (提交包, 审核, 转发).
No business rules here or there: they are the app layer's. The modal questions live in `dialogs` and
`new_form_dialogs` so tests can answer them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from perfdesk import __version__
from perfdesk.domain.lifecycle import Role, role_of
from perfdesk.store.store_errors import StoreError
from perfdesk.app import installation
from perfdesk.ui.form_actions import FindingsDialog, FormActions
from perfdesk.ui.form_list_model import build_rows
from perfdesk.ui.list_loader import WITHOUT_DOCUMENT
from perfdesk.ui.main_actions import MainActions
from perfdesk.ui.main_list import MainList
from perfdesk.ui.main_sections import SECTIONS, WINDOW_TITLE
from perfdesk.ui.new_form_flows import NewFormFlows
from perfdesk.ui.package_actions import PackageActions
from perfdesk.ui.runner import Runner
from perfdesk.ui.screen_fit import open_within_screen

if TYPE_CHECKING:
    from perfdesk.store import Store, UnitRecord
    from perfdesk.store.first_look import FirstLook

__all__ = ["FindingsDialog", "MainWindow", "cannot_open_message"]


def cannot_open_message(exc: StoreError) -> str:
    """What the clerk is told when the database cannot be opened at start-up."""
    return f"{exc}\n\n请检查 --db 参数或 PERFDESK_DB 环境变量所指的数据库。"


class MainWindow(MainList, MainActions, NewFormFlows, FormActions, PackageActions, QMainWindow):
    list_loaded = Signal()  # the list shows what the store holds (after refresh, year or kind change)
    editors_changed = Signal()  # an editor window opened, closed or came to the front

    # What the window lists when it opens: a first look (store.first_look) reads these kinds' rows,
    # which need no document (list_loader.WITHOUT_DOCUMENT).
    FIRST_KINDS = SECTIONS[0].form_ids

    def __init__(self, store: Store | None = None, parent: QWidget | None = None, *,
                 first_look: FirstLook | None = None, open_store: Callable[[], Store] | None = None) -> None:
        """Over an open store; or painted from a first look of one (`store.first_look`, read before
        SQLAlchemy is imported), with `open_store` opening it on first use or at `finish_opening`."""
        super().__init__(parent)
        if store is None and (first_look is None or open_store is None):
            raise ValueError("MainWindow needs a store, or a first look and a way to open the store")
        self._store = store
        self._open_store = open_store if store is None else None
        self._first_look = first_look if store is None else None
        self.runner = Runner(self)  # all GUI work, this window's and its dialogs' (runner.runner_for)
        self.runner.forms_changed.connect(self.show_changed_forms)
        self._pending_select: int | None = None  # form to select once the list has loaded
        self._pending_reveal = False  # clear the search if it hides that form
        self._pending_row: int | None = None  # else the row to select (after a delete)
        # None: perfdesk.ui.editor.FormEditor, imported on first use. Tests may set a stand-in.
        self.editor_factory: Callable[..., QMainWindow] | None = None
        self.editors: dict[int, QMainWindow] = {}  # open editor windows by form id
        self._editor_order: list[int] = []  # their form ids, the one last in front first
        self.library = None  # the 指标库 browser, once opened
        self.batch = None  # the running or last 批量导出 Job
        self.last_batch_result = None
        self.setWindowTitle(WINDOW_TITLE)
        open_within_screen(self, 1180, 680)

        self._build_list()  # main_list: the navigation pane, filters, table and form count
        self.role_label = QLabel(self)
        self.role_label.setObjectName("roleLabel")
        self.statusBar().addPermanentWidget(self.role_label)
        self._show_role()

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._show_role_actions()
        self.year_box.currentIndexChanged.connect(self._load_forms)
        self.search_box.textChanged.connect(self._search)
        self.nav.currentItemChanged.connect(self._section_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.proxy.modelReset.connect(self._update_actions)
        self.proxy.layoutChanged.connect(self._update_actions)
        self._section_shown()
        if self._first_look is not None:
            self._show_first_look(self._first_look)
        else:
            self.refresh()

    # --- the store ---------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The open store. A window painted from a first look opens it here on first use (raising
        StoreError when it cannot), if `finish_opening` has not done so yet."""
        if self._store is None:
            assert self._open_store is not None
            self._store = self._open_store()
            self._open_store = self._first_look = None
        return self._store

    def store_is_open(self) -> bool:
        return self._store is not None

    def finish_opening(self) -> bool:
        """Open the store of a window painted from a first look (the app calls it once the window has
        painted). When it cannot be opened the clerk is told why and the application ends with 1."""
        try:
            self.store  # noqa: B018 - opens it
        except StoreError as exc:
            QMessageBox.critical(self, "PerfDesk", cannot_open_message(exc))
            QApplication.exit(1)
            return False
        self._later("office_desk", "show_deadline")()
        return True

    def _show_first_look(self, look: FirstLook) -> None:
        """Years and the first section's forms as the look found them, as refresh() would show them."""
        if not set(look.form_ids) >= set(self.form_ids()) or not set(self.form_ids()) <= WITHOUT_DOCUMENT:
            raise ValueError(f"a first look of {look.form_ids} cannot show {self.form_ids()}")
        self._fill_years(list(look.years), None)
        forms = [form for form in look.forms if form.form_id in self.form_ids()]
        self._list_loaded(build_rows(forms, look.unit_names))

    # --- actions, menus, toolbar -------------------------------------------------------







    # --- loading -----------------------------------------------------------------------
















    # --- selection ---------------------------------------------------------------------





    def own_unit(self) -> UnitRecord | None:
        """The unit this copy of PerfDesk fills forms for: the unit_id setting, else the first one set up."""
        return installation.own_unit(self.store)

    def role(self) -> Role:
        """This installation's role: the editors open with it."""
        if self._first_look is not None:  # as the look found it, until the store is opened
            return role_of(self._first_look.setting(installation.ROLE))
        return installation.role(self.store)

    def _show_role(self) -> None:
        try:
            role = self.role()
        except StoreError:
            role = Role.UNIT
        self.role_label.setText(f"使用单位类型：{role.label}")

    def _show_role_actions(self) -> None:
        """转发审核结果 is a 主管部门's; the list's right-click menu offers it there beside 审核."""
        supervisor = self.role() is Role.SUPERVISOR
        self.relay_action.setVisible(supervisor)
        if supervisor and self.relay_action not in self.table.actions():
            self.table.addActions([self.review_action, self.relay_action])



    # --- new forms ---------------------------------------------------------------------








    # --- open, duplicate, delete ---------------------------------------------------------






    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.WindowActivate:
            for form_instance_id, editor in self.editors.items():
                if editor is watched:
                    self._editor_to_front(form_instance_id)
                    break
        return super().eventFilter(watched, event)




    # --- indicator library and packages ------------------------------------------------

    def show_library(self):
        """工具 → 指标库: one non-blocking browser, which adds indicators to the open editors."""
        from perfdesk.ui.library_browser import LibraryBrowser

        if self.library is None:
            self.library = LibraryBrowser(self.open_editors, self)
            self.library.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.library.destroyed.connect(lambda *_: setattr(self, "library", None))
            self.editors_changed.connect(self.library.refresh_targets)
        self.library.refresh_targets()
        self.library.show()
        self.library.raise_()
        self.library.activateWindow()
        return self.library

    def show_summary(self):
        """工具 → 汇总与图表: a non-blocking window over the figures of the selected year's round."""
        from perfdesk.ui.summary_view import SummaryWindow

        window = SummaryWindow(self.store, self.selected_year(), self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window








    # --- check, preview, export --------------------------------------------------------






    # --- unit, about, closing ----------------------------------------------------------

    def edit_unit(self) -> UnitRecord | None:
        """设置 → 单位设置 (also asked by 新建 when no unit is set up)."""
        from perfdesk.ui.setup_dialog import UnitSetupDialog

        try:
            unit = self.own_unit()
        except StoreError as exc:
            self._store_failed(exc)
            return None
        dialog = UnitSetupDialog(self.store, unit, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self._show_role()  # editors opened from now on use it; open ones keep theirs
        self._show_role_actions()
        self._section_shown()
        self.refresh()
        return dialog.unit

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "关于 PerfDesk",
            f"<p><b>{WINDOW_TITLE}</b></p><p>版本 {__version__}</p>"
            "<p>离线填写、校验、打印预算绩效表单。</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        for editor in list(self.editors.values()):
            if not editor.close():  # an editor may refuse (e.g. it could not save)
                event.ignore()
                return
        if self.library is not None:
            self.library.close()
        self.runner.stop()  # a running 批量导出 stops after its current form
        super().closeEvent(event)
