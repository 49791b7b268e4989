"""Signed submission packages (.pdpkg) in the GUI: the unit's signing key, the trust registry,
packaging a form, importing packages and the inbox.

Each public function opens a non-blocking dialog and returns it; the main window's menu calls
them. The dialogs only ask, show and call perfdesk.package (off the GUI thread where it takes
time); every rule lives there. Modules are imported on first use, so starting the app never
loads cryptography or pyHanko.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget

    from perfdesk.store import Store

__all__ = ["export_package", "import_packages", "show_identity", "show_inbox", "show_trust_registry"]


def show_identity(parent: QWidget | None, store: Store) -> QDialog:
    """签名密钥: the installation's unit's key; generate, import PKCS#12, export 公钥登记表."""
    from perfdesk.ui.packages.identity_dialog import IdentityDialog

    dialog = IdentityDialog(store, parent)
    dialog.open()
    return dialog


def show_trust_registry(parent: QWidget | None, store: Store) -> QDialog:
    """可信公钥: the keys this installation accepts packages from; add from a 公钥登记表, remove."""
    from perfdesk.ui.packages.trust_dialog import TrustDialog

    dialog = TrustDialog(store, parent)
    dialog.show()
    return dialog


def export_package(parent: QWidget | None, store: Store, form_instance_id: int) -> QDialog:
    """生成报送数据包 for one form; the runner's forms_changed says the form became 已报送."""
    from perfdesk.ui.packages.export_dialog import ExportDialog

    dialog = ExportDialog(store, form_instance_id, parent)
    dialog.open()
    return dialog


def import_packages(parent: QWidget | None, store: Store) -> QDialog:
    """导入数据包 from files or a folder; the runner's forms_changed names the forms added or changed."""
    from perfdesk.ui.packages.import_dialog import ImportDialog

    dialog = ImportDialog(store, parent)
    dialog.open()
    return dialog


def show_inbox(parent: QWidget | None, store: Store) -> QDialog:
    """收件记录: packages imported or refused, and 验证… for any package file."""
    from perfdesk.ui.packages.inbox_dialog import InboxDialog

    dialog = InboxDialog(store, parent)
    dialog.show()
    return dialog
