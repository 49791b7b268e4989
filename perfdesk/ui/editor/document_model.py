"""The document being edited, and every edit to it as an undoable command.

Widgets never write the dict themselves: they ask this model, which pushes a QUndoCommand, so one
undo stack covers the whole form and every change is announced once through `changed(path)`.
A path names a value in the document: "project_name", "expense_details.2.this_year",
"fund_sources.appropriation.actual"; a bare table key ("schedule") means rows were added, removed
or moved.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from perfdesk.domain.computed import fill_computed
from perfdesk.domain.findings import EXPLANATIONS_KEY
from perfdesk.domain.formdef import FormDef

_SET_VALUE_ID = 1
_EXPLANATION_ID = 2


def _key(container: Any, part: str) -> Any:
    return int(part) if isinstance(container, list) else part


def get_in(doc: dict, path: str) -> Any:
    """The value at a data path, or None where the path leads nowhere."""
    node: Any = doc
    for part in path.split("."):
        try:
            node = node[_key(node, part)]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return node


def reachable(doc: dict, path: str) -> bool:
    """Whether a value may be written at `path`: every row it names exists."""
    node: Any = doc
    for part in path.split(".")[:-1]:
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return False
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node.get(part) if isinstance(node.get(part), (dict, list)) else {}
        else:
            return False
    return True


def set_in(doc: dict, path: str, value: Any) -> None:
    """Write a value, creating missing dicts on the way (a tree row absent from an old document)."""
    parts = path.split(".")
    node: Any = doc
    for part in parts[:-1]:
        key = _key(node, part)
        if isinstance(node, dict) and not isinstance(node.get(key), (dict, list)):
            node[key] = {}
        node = node[key]
    node[_key(node, parts[-1])] = value


class _Command(QUndoCommand):
    """Base: knows its model; a command re-done after an undo closes any open typing step."""

    def __init__(self, model: DocumentModel, text: str) -> None:
        super().__init__(text)
        self.model = model
        self.pushed = False

    def redo(self) -> None:
        if self.pushed:
            self.model.seal()
        self.apply()

    def undo(self) -> None:
        self.model.seal()
        self.revert()

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SetValueCommand(_Command):
    def __init__(self, model: DocumentModel, path: str, old: Any, new: Any, typing: bool) -> None:
        super().__init__(model, f"修改“{model.form.label_of(path)}”")
        self.path, self.old, self.new = path, old, new
        # Keystrokes in one field form one undo step until the field loses focus.
        self.open = typing

    def id(self) -> int:
        return _SET_VALUE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (self.open and isinstance(other, SetValueCommand) and other.open and other.path == self.path):
            return False
        self.new = other.new
        return True

    def apply(self) -> None:
        self.model._write(self.path, self.new)

    def revert(self) -> None:
        self.model._write(self.path, self.old)


class SetExplanationCommand(_Command):
    """A warning's written explanation, kept in the document under `_explanations[code]`."""

    def __init__(self, model: DocumentModel, code: str, old: str | None, new: str | None, typing: bool) -> None:
        super().__init__(model, "填写警告说明")
        self.code, self.old, self.new = code, old, new
        self.open = typing

    def id(self) -> int:
        return _EXPLANATION_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (self.open and isinstance(other, SetExplanationCommand) and other.open and other.code == self.code):
            return False
        self.new = other.new
        return True

    def apply(self) -> None:
        self.model._write_explanation(self.code, self.new)

    def revert(self) -> None:
        self.model._write_explanation(self.code, self.old)


class AddRowCommand(_Command):
    def __init__(self, model: DocumentModel, table: str, index: int, row: dict, text: str) -> None:
        super().__init__(model, text)
        self.table, self.index, self.row = table, index, copy.deepcopy(row)

    def apply(self) -> None:
        self.model._rows(self.table).insert(self.index, copy.deepcopy(self.row))
        self.model._announce(self.table)

    def revert(self) -> None:
        del self.model._rows(self.table)[self.index]
        self.model._announce(self.table)


class RemoveRowCommand(_Command):
    def __init__(self, model: DocumentModel, table: str, index: int) -> None:
        super().__init__(model, f"删除{model.form.label_of(f'{table}.{index}')}")
        self.table, self.index = table, index
        self.row: dict = {}

    def apply(self) -> None:
        self.row = self.model._rows(self.table).pop(self.index)
        self.model._announce(self.table)

    def revert(self) -> None:
        self.model._rows(self.table).insert(self.index, self.row)
        self.model._announce(self.table)


class SwapRowsCommand(_Command):
    """Move a row by swapping it with another (its neighbour, or the next one in its indicator group)."""

    def __init__(self, model: DocumentModel, table: str, first: int, second: int) -> None:
        super().__init__(model, f"移动{model.form.tables[table].label}的行")
        self.table, self.first, self.second = table, first, second

    def _swap(self) -> None:
        rows = self.model._rows(self.table)
        rows[self.first], rows[self.second] = rows[self.second], rows[self.first]
        self.model._announce(self.table)

    def apply(self) -> None:
        self._swap()

    def revert(self) -> None:
        self._swap()


class DocumentModel(QObject):
    """Holds the document dict; all edits go through `undo_stack`."""

    changed = Signal(str)

    def __init__(self, form: FormDef, doc: dict, parent: QObject | None = None, *, profile=None,
                 year: int | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.profile = profile  # the unit's rules: what the computed cells follow
        self.year = year  # the form's year: where a blank date field's calendar opens
        self._doc = copy.deepcopy(doc)
        fill_computed(self.form, self._doc, self.profile)
        self.undo_stack = QUndoStack(self)
        self._last: _Command | None = None
        # A frozen form (submitted, under review, approved) takes no edit at all, however it comes.
        self.read_only = False

    # --- reading ----------------------------------------------------------------------

    @property
    def data(self) -> dict:
        """The live dict, for reading only (widgets, checks, totals)."""
        return self._doc

    def document(self) -> dict:
        return copy.deepcopy(self._doc)

    def value(self, path: str) -> Any:
        return get_in(self._doc, path)

    def rows(self, table: str) -> list[dict]:
        value = self._doc.get(table)
        return value if isinstance(value, list) else []

    def explanation(self, code: str) -> str:
        return (self._doc.get(EXPLANATIONS_KEY) or {}).get(code) or ""

    # --- editing (each one undoable) --------------------------------------------------

    def set_value(self, path: str, value: Any, *, typing: bool = False) -> None:
        if not reachable(self._doc, path):
            raise ValueError(f"no such place in the document: {path}")
        old = self.value(path)
        if old == value:
            return
        self._push(SetValueCommand(self, path, copy.deepcopy(old), value, typing))

    def set_explanation(self, code: str, text: str | None, *, typing: bool = False) -> None:
        new = text if text and text.strip() else None
        old = self.explanation(code) or None
        if old == new:
            return
        self._push(SetExplanationCommand(self, code, old, new, typing))

    def add_row(self, table: str, index: int, row: dict, text: str = "") -> None:
        index = max(0, min(index, len(self.rows(table))))
        self._push(AddRowCommand(self, table, index, row, text or f"在{self.form.tables[table].label}中添加行"))

    def remove_row(self, table: str, index: int) -> None:
        if 0 <= index < len(self.rows(table)):
            self._push(RemoveRowCommand(self, table, index))

    def swap_rows(self, table: str, first: int, second: int) -> None:
        count = len(self.rows(table))
        if first != second and 0 <= first < count and 0 <= second < count:
            self._push(SwapRowsCommand(self, table, first, second))

    def take_stored(self, doc: dict) -> None:
        """The document as now stored (after a move filled a reviewer's cells): each top-level part that
        differs written in, announced, not undoable; the undo history ends here."""
        for key in sorted(set(doc) | set(self._doc)):
            if doc.get(key) != self._doc.get(key):
                self._write(key, doc.get(key))
        self.undo_stack.clear()
        self._last = None

    def seal(self) -> None:
        """End the current typing step: the next keystroke starts a new undo step."""
        if self._last is not None and hasattr(self._last, "open"):
            self._last.open = False

    # --- internals used by the commands ---------------------------------------------

    def _push(self, command: _Command) -> None:
        if self.read_only:
            return
        before = self.undo_stack.index()
        self.undo_stack.push(command)
        command.pushed = True
        if self.undo_stack.index() != before:  # not merged into the previous step
            self.seal()
            self._last = command

    def _rows(self, table: str) -> list[dict]:
        if not isinstance(self._doc.get(table), list):
            self._doc[table] = []
        return self._doc[table]

    def _write(self, path: str, value: Any) -> None:
        set_in(self._doc, path, copy.deepcopy(value))
        self._announce(path)

    def _announce(self, path: str) -> None:
        """Say what changed, then work out the computed cells again (得分, 合计, 等次) and say which moved."""
        self.changed.emit(path)
        for computed in fill_computed(self.form, self._doc, self.profile):
            self.changed.emit(computed)

    def _write_explanation(self, code: str, text: str | None) -> None:
        explanations = dict(self._doc.get(EXPLANATIONS_KEY) or {})
        if text:
            explanations[code] = text
        else:
            explanations.pop(code, None)
        if explanations:
            self._doc[EXPLANATIONS_KEY] = explanations
        else:
            self._doc.pop(EXPLANATIONS_KEY, None)
        self.changed.emit(EXPLANATIONS_KEY)
