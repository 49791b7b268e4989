"""提交包 from the main window: the package dialogs (imported on first use: they load cryptography),
审核 and 转发审核结果 of the selected form, and telling the clerk where a moved form stands.

A mixin of `MainWindow`; it never imports the window."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from perfdesk.errors import UserError

PACKAGES_MODULE = "perfdesk.ui.packages"


class PackageActions:
    """The 提交包 menu's actions."""

    def _package_dialog(self, name: str, *args):
        module = importlib.import_module(PACKAGES_MODULE)  # on first use: it loads cryptography
        try:
            return getattr(module, name)(self, self.store, *args)
        except UserError as exc:
            QMessageBox.warning(self, "提交包", str(exc))
            return None

    def show_package_inbox(self):
        return self._package_dialog("show_inbox")

    def show_trust_registry(self):
        return self._package_dialog("show_trust_registry")

    def show_identity(self):
        return self._package_dialog("show_identity")

    def import_packages(self):
        return self._package_dialog("import_packages")  # the forms it writes reach the list by forms_changed

    def review_form(self):
        """审核 of the selected form, where it waits for a level this installation holds."""
        from perfdesk.ui.review_dialog import ReviewDialog, reviewable

        record = self._selected_or_warn("审核")
        if record is None:
            return None
        if not reviewable(self.store, record.status):
            from perfdesk.domain.lifecycle import instead

            QMessageBox.information(self, "不能审核", f"表单状态为“{record.status.display}”，本机不能审核。"
                                                     f"{instead(record.status)}")
            return None
        dialog = ReviewDialog(self.store, record.id, parent=self)
        dialog.decided.connect(lambda form_instance_id: self._moved(form_instance_id, "审核", dialog.outcome))
        dialog.open()
        return dialog

    def relay_form(self):
        """转发审核结果 of the selected form: at a 主管部门, the office's answer passed down to the unit."""
        from perfdesk.app.review_desk import can_relay, instead_here
        from perfdesk.ui.relay_dialog import RelayDialog

        listed = self._selected_or_warn("转发审核结果")
        if listed is None:
            return None
        record = self.store.get_form(listed.id)
        if not can_relay(self.store, record):
            QMessageBox.information(self, "转发审核结果", f"《{record.title}》现为“{record.status.display}”，"
                                                      f"本机没有可转发的财政部门审核结果。{instead_here(self.store, record)}")
            return None
        dialog = RelayDialog(self.store, record.id, parent=self)
        dialog.relayed.connect(lambda form_instance_id: self._moved(form_instance_id, "转发审核结果", dialog.outcome))
        dialog.open()
        return dialog

    def _moved(self, form_instance_id: int, title: str, outcome: str) -> QMessageBox:
        """After a move from the list: its row afresh, an open editor of the form shown as it now
        stands (both by the runner's forms_changed), and the clerk told what happened and where the
        package lies."""
        editor = self.editors.get(form_instance_id)
        if editor is not None and hasattr(editor, "notice") and not editor.has_unsaved_changes():
            editor.notice.setText(outcome)
            editor.notice.setVisible(bool(outcome))
        self.statusBar().showMessage(outcome.splitlines()[0] if outcome else "", 15000)
        box = QMessageBox(QMessageBox.Icon.Information, title, outcome, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("outcomeBox")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def export_package(self):
        record = self._selected_or_warn("报送")
        if record is None:
            return None
        dialog = self._package_dialog("export_package", record.id)
        return dialog
