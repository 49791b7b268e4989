"""Three installations of PerfDesk side by side, each a real MainWindow over its own database with its
own settings and signing key: a budget unit (长治市第一中学), its 主管部门 (长治市教育局) and the finance
office (长治市财政局). A `Desk` drives its window as a clerk does — menus, dialogs, buttons, typing —
and reads what the clerk would read: the printed PDF's text, the history, the banner.

The databases are built once per session and copied per test; the packages travel as files in the
test's folder (the USB stick)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QMessageBox, QPushButton

from gui_support import settle, trigger, type_chinese

YEAR = 2027
FORM = f"{YEAR}年校舍维修改造项目"  # the demo declaration that passes every check
UNIT = dict(code="201003", name="长治市第一中学", passphrase="unit-passphrase")
SUPERVISOR = dict(name="长治市教育局", code="201", supervisor_name="长治市教育局", supervisor_code="201",
                  region="长治市", level="市级", profile="changzhi")
OFFICE = dict(name="长治市财政局", code="101001", supervisor_name="长治市财政局", supervisor_code="101",
              region="长治市", level="市级", profile="changzhi")
PASSPHRASES = {"unit": "unit-passphrase", "supervisor": "supervisor-passphrase", "office": "office-passphrase"}
WAIT = 60_000


@pytest.fixture(scope="session")
def desk_databases(tmp_path_factory, demo_templates) -> Path:
    """unit.db, supervisor.db, office.db: units, roles, own unit and key set; each trusts the keys it
    will meet (as registered from the 公钥登记表)."""
    from perfdesk.package.identity import create_identity
    from perfdesk.store import Store

    folder = tmp_path_factory.mktemp("desks")
    demo_templates.copy("declarations", folder / "unit.db")  # load_declarations_demo(unit, YEAR)
    unit, sup, office = (Store(f"sqlite:///{folder / name}.db") for name in ("unit", "supervisor", "office"))
    try:
        own = unit.unit_by_code(UNIT["code"])
        unit.set_setting("unit_id", own.id)
        unit.set_setting("role", "unit")
        fps = {"unit": create_identity(unit, own.id, PASSPHRASES["unit"]).fingerprint}
        for store, spec, role, key in ((sup, SUPERVISOR, "supervisor", "supervisor"),
                                       (office, OFFICE, "finance", "office")):
            mine = store.add_unit(**spec)
            store.set_setting("role", role)
            store.set_setting("unit_id", mine.id)
            fps[key] = create_identity(store, mine.id, PASSPHRASES[key]).fingerprint
        names = {"unit": (UNIT["code"], UNIT["name"]), "supervisor": (SUPERVISOR["code"], SUPERVISOR["name"]),
                 "office": (OFFICE["code"], OFFICE["name"])}
        for store, keys in ((unit, ("supervisor", "office")), (sup, ("unit", "office")),
                            (office, ("unit", "supervisor"))):
            for key in keys:
                code, name = names[key]
                store.add_trusted_key(unit_code=code, unit_name=name, role=key, fingerprint=fps[key],
                                      source="registration")
    finally:
        for store in (unit, sup, office):
            store.close()
    return folder


@dataclass
class Desk:
    """One installation: its store, its main window, and the clerk's hands."""

    name: str
    store: object
    win: object
    qtbot: object
    passphrase: str
    monkeypatch: object
    told: list[str] = field(default_factory=list)  # what the outcome boxes said, in order

    # --- the list ------------------------------------------------------------------------

    def form_id(self, title: str = FORM) -> int | None:
        return next((f.id for f in self.store.list_forms() if f.title == title), None)

    def record(self, title: str = FORM):
        return self.store.get_form(self.form_id(title))

    def select(self, title: str = FORM) -> int:
        self.win.refresh()
        settle(self.win)
        form_id = self.form_id(title)
        assert form_id is not None and self.win.select_form(form_id), f"{title} is not listed at {self.name}"
        return form_id

    def dialog(self, name: str) -> QDialog:
        found = [d for d in self.win.findChildren(QDialog, name) if d.isVisible()]
        assert found, f"no {name} open at {self.name}"
        return found[-1]

    def outcome(self) -> str:
        """The box that says what a move did; read and closed."""
        boxes = [b for b in self.win.findChildren(QMessageBox, "outcomeBox") if b.isVisible()]
        if not boxes:
            return ""  # not told (the tests that mind say so)
        text = boxes[-1].text()
        boxes[-1].button(QMessageBox.StandardButton.Ok).click()
        self.told.append(text)
        return text

    # --- 提交包 --------------------------------------------------------------------------

    def send(self, target: Path, title: str = FORM) -> Path:
        """生成报送数据包 from the list."""
        self.select(title)
        trigger(self.win, "exportPackageAction")
        dialog = self.dialog("packageDialog")
        assert dialog.generate_button.isEnabled(), dialog.message.text()
        dialog.target_edit.clear()
        self.qtbot.keyClicks(dialog.target_edit, str(target))
        self.qtbot.keyClicks(dialog.passphrase_edit, self.passphrase)
        dialog.generate_button.click()
        self.qtbot.waitUntil(lambda: not dialog.is_working(), timeout=WAIT)
        assert target.is_file(), dialog.message.text()
        assert str(target) in dialog.message.text()
        dialog.reject()
        settle(self.win)
        return target

    def take_in(self, path: Path) -> str:
        """导入数据包 of one file."""
        from perfdesk.ui.packages import prompts

        self.monkeypatch.setattr(prompts, "open_files", lambda *_a, **_k: [path])
        trigger(self.win, "importPackagesAction")
        dialog = self.dialog("importDialog")
        dialog.files_button.click()
        self.qtbot.waitUntil(lambda: not dialog.is_working(), timeout=WAIT)
        [(name, result, reason)] = dialog.results()
        assert result in ("已导入", "已更新"), f"{self.name} refused {name}: {reason}"
        dialog.reject()
        settle(self.win)
        return result

    def fill_review(self, dialog, *, approve: bool, opinion: str = "", reviewer: str = "", letter: str = "",
                    reasons: dict[str, str] | None = None, target: Path | None = None,
                    amounts: dict[str, str] | None = None) -> None:
        (dialog.approve if approve else dialog.give_back).click()
        if opinion:
            dialog.opinion.setFocus()
            type_chinese(dialog.opinion, opinion)
        if reviewer:
            type_chinese(dialog.reviewer, reviewer)
        if letter:
            type_chinese(dialog.letter, letter)
        for path, why in (reasons or {}).items():
            dialog.findChild(QPushButton, "addReason").click()
            row = dialog.reasons.rowCount() - 1
            box = dialog.reasons.cellWidget(row, 0)
            assert isinstance(box, QComboBox)
            box.setCurrentIndex(box.findData(path))
            item = dialog.reasons.item(row, 1)
            dialog.reasons.setCurrentItem(item)
            dialog.reasons.editItem(item)  # the cell's own editor, typed into and closed with Enter
            [editor] = [e for e in dialog.reasons.viewport().findChildren(QLineEdit) if e.isVisible()]
            type_chinese(editor, why)
            self.qtbot.keyClick(editor, Qt.Key.Key_Return)
            self.qtbot.waitUntil(lambda item=item, why=why: item.text() == why)  # committed on the next turn
            self.qtbot.waitUntil(lambda: not [e for e in dialog.reasons.viewport().findChildren(QLineEdit)
                                              if e.isVisible()])
        for key, amount in (amounts or {}).items():
            edit = dialog.actual[key]
            edit.clear()
            self.qtbot.keyClicks(edit, amount)
        if target is not None:
            assert dialog.target.isEnabled()
            dialog.target.clear()
            self.qtbot.keyClicks(dialog.target, str(target))
            self.qtbot.keyClicks(dialog.passphrase, self.passphrase)
        else:
            assert not dialog.target.isEnabled()  # the next level is on this computer: no package

    def review(self, *, title: str = FORM, **answers) -> str:
        """提交包 → 审核… from the list; returns what the clerk is told."""
        self.select(title)
        trigger(self.win, "reviewAction")
        dialog = self.dialog("reviewDialog")
        self.fill_review(dialog, **answers)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert not dialog.isVisible(), dialog.error.text()
        settle(self.win)
        return self.outcome()

    def relay(self, target: Path, note: str = "", title: str = FORM) -> str:
        """提交包 → 转发审核结果… from the list."""
        self.select(title)
        trigger(self.win, "relayAction")
        dialog = self.dialog("relayDialog")
        if note:
            type_chinese(dialog.note, note)
        dialog.target.clear()
        self.qtbot.keyClicks(dialog.target, str(target))
        self.qtbot.keyClicks(dialog.passphrase, self.passphrase)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert not dialog.isVisible(), dialog.error.text()
        settle(self.win)
        return self.outcome()

    # --- what the clerk reads -----------------------------------------------------------------

    def history(self, title: str = FORM) -> list[str]:
        from perfdesk.app.workflow import history_lines

        return history_lines(self.store, self.record(title))

    def printed(self, folder: Path, title: str = FORM) -> str:
        """The form as 导出 PDF and 打印 print it, as text."""
        from perfdesk.app.operations import render

        pdf = folder / f"{self.name}.pdf"
        pdf.write_bytes(render(self.store, self.record(title)).pdf)
        return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout


def open_desks(qtbot, monkeypatch, folder: Path, databases: Path) -> dict[str, Desk]:
    from perfdesk.store import Store
    from perfdesk.ui.app import create_main_window

    desks = {}
    for name in ("unit", "supervisor", "office"):
        shutil.copy(databases / f"{name}.db", folder / f"{name}.db")
        store = Store(f"sqlite:///{folder / name}.db")
        win = create_main_window(store)
        qtbot.addWidget(win)
        win.show()
        settle(win)
        desks[name] = Desk(name, store, win, qtbot, PASSPHRASES[name], monkeypatch)
    return desks


def close_desks(desks: dict[str, Desk]) -> None:
    for desk in desks.values():
        desk.win.close()
        desk.store.close()
