"""The form editor for every form file: `FormEditor(store, form_instance_id, role=..., autosave_ms=...)`.

`DeclarationEditor` is the same class under the name it was first given."""

from perfdesk.ui.editor.window import DeclarationEditor, FormEditor

__all__ = ["DeclarationEditor", "FormEditor"]
