"""The one exception the storage layer raises to its callers."""

from __future__ import annotations

from perfdesk.errors import UserError


class StoreError(UserError):
    """A storage failure with a Chinese message fit to show the user as is."""


class DamagedFormError(StoreError):
    """A form whose stored document (or amount) cannot be read; the other forms are unaffected."""

    def __init__(self, form_instance_id: int, title: str, column: str) -> None:
        self.form_instance_id, self.title, self.column = form_instance_id, title, column
        what = "表单数据（data）" if column == "data" else "金额（amount）"
        super().__init__(f"表单 {form_instance_id}“{title}”在数据库中保存的{what}已损坏，无法读取；"
                         f"运行 perfdesk revisions {form_instance_id} 查看它的历史版本，"
                         f"再用 perfdesk revisions {form_instance_id} --restore 版本号 恢复")


class FormConflict(StoreError):
    """A save based on an older version of a form than the stored one: another clerk (or an
    imported package) changed it meanwhile. Nothing was written."""

    def __init__(self, message: str, *, form_instance_id: int, based_on: int, current_version: int,
                 changed_by: str | None, changed_at) -> None:
        super().__init__(message)
        self.form_instance_id = form_instance_id
        self.based_on = based_on
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
