"""How a field or cell a reviewer returned with a reason looks until the clerk changes it: an orange
frame or background, the reason as its tooltip. What is marked comes from the RETURNED findings
(domain/returned.py), the same list the checks dock shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

RETURNED_BACKGROUND = QColor("#ffe0b2")


def returned_tip(reason: str) -> str:
    return f"退回理由：{reason}（修改此栏后标记消失）"


def returned_frame(name: str) -> str:
    """The style sheet of a returned field or table: its own widget only (by name), not its children."""
    return f"#{name} {{ border: 2px solid #e65100; background: #fff3e0; }}"


def returned_look(role: int, reason: str):
    """A returned table cell's background or tooltip (None for other roles, or without a reason)."""
    if not reason:
        return None
    if role == Qt.ItemDataRole.BackgroundRole:
        return RETURNED_BACKGROUND
    return returned_tip(reason) if role == Qt.ItemDataRole.ToolTipRole else None
