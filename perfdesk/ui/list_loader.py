"""Reading the form list of one navigation entry (one or several form kinds), run by the GUI runner as a
query off the GUI thread, with each row's due date and 绩效预警 worked out while the documents are still
at hand.

The due dates come from `due_dates.due` and the warnings from `monitoring_operations.alerts`; this
module only feeds them the units read once per load instead of one database query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from perfdesk.store.store_errors import DamagedFormError, StoreError
from perfdesk.ui.form_list_model import NO_FACTS, Facts, build_rows
from perfdesk.domain.form_kinds import DECLARATION, EX_ANTE_ASSESSMENT

if TYPE_CHECKING:
    from perfdesk.store import FormRecord, Store, UnitRecord

# Kinds whose rows need no document: no due date (`domain.deadlines.due_date` gives none) and no
# 绩效预警 (monitoring tables only). Read as summaries, without decoding 10,000 documents.
WITHOUT_DOCUMENT = frozenset({DECLARATION, EX_ANTE_ASSESSMENT})


class UnitBook:
    """`get_unit` over the units read once: `due_dates.due` and `monitoring_operations.alerts` ask
    for the unit (its rules profile) of every row, which would otherwise be a query per row."""

    def __init__(self, units: Iterable[UnitRecord]) -> None:
        self._units = {unit.id: unit for unit in units}

    def get_unit(self, unit_id: int) -> UnitRecord:
        try:
            return self._units[unit_id]
        except KeyError:
            raise StoreError(f"找不到编号为 {unit_id} 的单位") from None

    def names(self) -> dict[int, str]:
        return {unit_id: unit.name for unit_id, unit in self._units.items()}


def row_facts(book: UnitBook, today: dt.date | None = None):
    """A function giving (due, alert levels) for a record with its document."""
    # Imported here, in the loader's thread: the window paints before the domain rules are loaded.
    from perfdesk.app import due_dates, monitoring_operations

    today = today or dt.date.today()

    def facts(record: FormRecord) -> Facts:
        if not hasattr(record, "data"):  # a summary: a kind without due date or warnings
            return NO_FACTS
        try:
            due = due_dates.due(book, record, today)  # type: ignore[arg-type] - only get_unit is used
            levels = [alert.level for alert in monitoring_operations.alerts(book, record)]  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - one unreadable document must not cost the whole list
            return NO_FACTS  # its checks say what is wrong when it is opened
        return due, levels

    return facts


def read_rows(store: Store, year: int | None, form_ids: Sequence[str] | None, today: dt.date | None = None) -> list:
    """The list rows of those kinds (all kinds for None), newest first, as FormListModel.set_rows takes them."""
    if form_ids is None:
        forms = store.list_forms(year=year)
    else:
        forms = [form for form_id in form_ids for form in _read(store, year, form_id)]
        if len(form_ids) > 1:  # each kind comes newest first: merge them the store's way
            forms.sort(key=lambda f: (f.updated_at, f.id), reverse=True)
    book = UnitBook(store.units())
    return build_rows(forms, book.names(), consume=True, facts=row_facts(book, today))


def read_rows_of(store: Store, form_instance_ids: Iterable[int], today: dt.date | None = None) -> tuple[list, list[int]]:
    """The list rows of those forms, and the ids of those moved to the recycle bin meanwhile, for
    FormListModel.update_rows. A form whose document cannot be read is listed from its summary."""
    forms, gone = [], []
    for form_instance_id in form_instance_ids:
        try:
            form = store.get_form(form_instance_id)
        except DamagedFormError:
            form = store.get_summary(form_instance_id)
        (gone if form.deleted_at is not None else forms).append(form)
    gone = [form.id for form in gone]
    book = UnitBook(store.units())
    return build_rows(forms, book.names(), facts=row_facts(book, today)), gone


def _read(store: Store, year: int | None, form_id: str) -> list:
    if form_id in WITHOUT_DOCUMENT and hasattr(store, "list_summaries"):
        return store.list_summaries(year=year, form_id=form_id)
    return store.list_forms(year=year, form_id=form_id)
