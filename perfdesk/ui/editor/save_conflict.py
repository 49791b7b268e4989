"""When a save is refused because another clerk saved the form meanwhile (FormConflict): offer to
reload their version or to save this one as a new revision. Nothing is ever silently overwritten."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QMessageBox, QWidget

from perfdesk.store import FormConflict

RELOAD, SAVE_AS_NEW, CANCEL = "reload", "save-as-new", "cancel"


def ask(parent: QWidget, conflict: FormConflict) -> str:
    """The clerk's choice: RELOAD, SAVE_AS_NEW or CANCEL (tests replace this function)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "表单已被他人修改", str(conflict), parent=parent)
    reload_button = box.addButton("重新载入（放弃本窗口的修改）", QMessageBox.ButtonRole.DestructiveRole)
    save_button = box.addButton("另存为新修订", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return RELOAD if clicked is reload_button else SAVE_AS_NEW if clicked is save_button else CANCEL


AUTOSAVE_VERB = "已自动保存"  # FormEditor._autosave's: a timer never pops a question up mid-typing


def resolve(editor, conflict: FormConflict, verb: str) -> bool:
    """Carry out the clerk's choice; True when the editor then holds no unsaved change."""
    if verb == AUTOSAVE_VERB:
        editor._say(f"未自动保存：{conflict}。请按 Ctrl+S 选择。", error=True)
        return False
    choice = ask(editor, conflict)
    if choice == RELOAD:
        reload_stored(editor)
        editor._say("已重新载入对方保存的内容")
        return True
    if choice == SAVE_AS_NEW:
        # Based on the version now stored: theirs is kept in the revisions, this one becomes the newest.
        editor.record = dataclasses.replace(editor.record, version=conflict.current_version)
        return editor._save(verb)
    editor._say(f"未保存：{conflict}", error=True)
    return False


def reload_stored(editor) -> None:
    """Show the stored version: each top-level part written into the model, then a clean slate."""
    stored = editor.store.get_form(editor.record.id)
    mine = editor.model.data
    for key in sorted(set(stored.data) | set(mine)):
        if stored.data.get(key) != mine.get(key):
            editor.model.set_value(key, stored.data.get(key))
    editor.model.undo_stack.clear()  # undoing past the reload would bring back the refused edits
    editor.record = stored
    editor._dirty = False
    editor._autosave_timer.stop()
    editor._show_record()
    editor._run_checks()
