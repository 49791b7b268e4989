"""The 预算支出绩效目标申报表 editor: `DeclarationEditor(store, form_instance_id, role=..., autosave_ms=...)`."""

from .window import DeclarationEditor

__all__ = ["DeclarationEditor"]
