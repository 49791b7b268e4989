"""The one exception the storage layer raises to its callers."""

from __future__ import annotations


class StoreError(Exception):
    """A storage failure with a Chinese message fit to show the user as is."""


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
