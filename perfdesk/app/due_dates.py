"""Due dates of stored forms, with the days left, for lists and reminders."""

from __future__ import annotations

import datetime as dt

from perfdesk.domain.deadlines import due_date
from perfdesk.domain.profiles import ProfileError, get_profile
from perfdesk.domain.registry import form_of
from perfdesk.store import FormRecord, Store


def due(store: Store, record: FormRecord, today: dt.date | None = None) -> tuple[dt.date, int] | None:
    """(due date, days left; negative when overdue) or None for forms without a deadline or
    already handed in."""
    if record.status.handed_in:
        return None
    date = due_day(store, record)
    if date is None:
        return None
    return date, (date - (today or dt.date.today())).days


def due_day(store: Store, record: FormRecord) -> dt.date | None:
    """The form's due date whatever its status (a handed-in form still has one), None when none is known."""
    try:
        profile = get_profile(store.get_unit(record.unit_id).profile)
    except ProfileError:
        profile = None
    return due_date(form_of(record).raw_kind, record.data, record.year, profile)
