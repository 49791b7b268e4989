"""One action, two entry points, one service: a unit's package imported at the finance office by
`perfdesk import --trust-new` at one installation and through the 导入数据包 dialog (the clerk confirming
the new signer) at another goes through app.package_import.take both times and leaves the same record."""

from __future__ import annotations

import dataclasses
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before PySide6 is imported

from perfdesk.app import package_import  # noqa: E402
from perfdesk.cli import main  # noqa: E402
from perfdesk.store import Store  # noqa: E402
from perfdesk.ui.packages import import_packages, prompts  # noqa: E402
from test_package_support import REPAIR, UNIT_CODE, world  # noqa: E402, F401 - fixture

WAIT = 60_000


def spy_on_take(monkeypatch) -> list[tuple[package_import.Choices, package_import.ImportResult]]:
    calls = []
    real = package_import.take

    def take(store, previews, choices=package_import.Choices(), **kw):
        result = real(store, previews, choices, **kw)
        calls.append((choices, result))
        return result

    monkeypatch.setattr(package_import, "take", take)
    return calls


def recorded(office: Store) -> dict:
    """What the import left, as a clerk would compare it: the form, its history, the inbox, the trusted key."""
    def fields(record, *left_out):
        return {k: v for k, v in dataclasses.asdict(record).items() if k not in left_out}

    forms = office.list_forms()
    return {
        "forms": [(f.id, f.title, f.status, f.package_version, f.data) for f in forms],
        "history": [fields(e, "id", "at") for f in forms for e in office.events(f.id)],
        "inbox": [fields(r, "id", "received_at") for r in office.inbox()],
        "trust": [(k.unit_code, k.role, k.fingerprint, k.source) for k in office.trusted_keys()],
    }


def test_cli_import_and_the_import_dialog_share_one_service(qtbot, world, tmp_path, monkeypatch, capsys):  # noqa: F811
    package = tmp_path / "v1.pdpkg"
    package.write_bytes(world.package)
    calls = spy_on_take(monkeypatch)

    (tmp_path / "cli").mkdir()
    _unit, office = world.stores(tmp_path / "cli")
    _unit.close()
    office.close()
    assert main(["--db", office.url, "import", "--trust-new", str(package)]) == 0
    assert "[已导入]" in capsys.readouterr().out
    by_cli = Store(office.url)
    [(choices, result)] = calls
    assert choices.trust_new and [o.status for o in result.outcomes] == ["imported"]
    assert result.changed.form_ids == {f.id for f in by_cli.list_forms()}

    calls.clear()
    (tmp_path / "gui").mkdir()
    _unit, by_gui = world.stores(tmp_path / "gui")
    _unit.close()
    monkeypatch.setattr(prompts, "open_files", lambda *a, **kw: [package])
    asked = []
    monkeypatch.setattr(prompts, "confirm_new_signer", lambda _parent, signer: asked.append(signer) or True)
    dialog = import_packages(None, by_gui)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.files_button.click()
    qtbot.waitUntil(lambda: len(calls) == 2 and not dialog.is_working(), timeout=WAIT)
    [(name, shown, reason)] = dialog.results()
    assert (name, shown) == ("v1.pdpkg", "已导入") and REPAIR in reason
    assert [s.unit_code for s in asked] == [UNIT_CODE]
    assert [c.ask_first for c, _ in calls] == [True, False]  # look and import the known, ask, then take the rest
    changed = calls[0][1].changed | calls[1][1].changed
    assert changed.form_ids == {f.id for f in by_gui.list_forms()}

    try:
        at_cli, at_gui = recorded(by_cli), recorded(by_gui)
        assert at_cli["forms"] and at_cli["history"] and at_cli["inbox"]
        assert at_cli == at_gui
        assert at_gui["trust"][0][3] == "first-import" and at_gui["inbox"][0]["status"] == "已导入"
    finally:
        by_cli.close()
        by_gui.close()


def test_cli_window_and_editor_export_through_one_service(qtbot, demo_store, monkeypatch, tmp_path, capsys):
    """导出 PDF from `perfdesk export`, the main window and the editor: one operations.export, the same
    printed bytes, the same history entry."""
    from perfdesk.app import operations
    from perfdesk.domain.lifecycle import Action
    from perfdesk.ui import dialogs
    from perfdesk.ui.app import create_main_window
    from perfdesk.ui.editor import DeclarationEditor, editor_actions
    from gui_support import select, settle

    title = "2027年教师能力提升培训专项"
    form_id = next(f.id for f in demo_store.list_forms() if f.title == title)
    calls, real = [], operations.export

    def export(store, form_instance_id, **kw):
        calls.append((form_instance_id, kw["pdf"]))
        return real(store, form_instance_id, **kw)

    monkeypatch.setattr(operations, "export", export)
    by_cli, by_window, by_editor = (tmp_path / f"{who}.pdf" for who in ("cli", "window", "editor"))

    assert main(["--db", demo_store.url, "export", str(form_id), "--pdf", str(by_cli)]) == 0
    capsys.readouterr()
    window = create_main_window(demo_store)
    qtbot.addWidget(window)
    window.show()
    settle(window)
    select(window, title)
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: by_window)
    assert window.export_file("pdf") == by_window
    editor = DeclarationEditor(demo_store, form_id, autosave_ms=60_000)
    qtbot.addWidget(editor)
    editor.show()
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a: by_editor)
    assert editor_actions.export_file(editor, "pdf") == by_editor
    editor.close()

    assert calls == [(form_id, by_cli), (form_id, by_window), (form_id, by_editor)]
    assert by_cli.read_bytes() == by_window.read_bytes() == by_editor.read_bytes()
    noted = [e.detail for e in demo_store.events(form_id) if e.action is Action.EXPORT]
    assert noted == [{"files": [str(path)]} for path in (by_cli, by_window, by_editor)]
