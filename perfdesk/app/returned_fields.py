"""A form back at the clerk with reasons per field: the reasons of the answer that returned it and the
document as it was when they were given, for domain/returned.py to tell which fields are still unchanged.

The document as returned is the content in force at the moment of that answer: the kept revision (or the
current content) last written at or before it — every write keeps the content it replaces, dated when
that content was written."""

from __future__ import annotations

from dataclasses import dataclass

from perfdesk.domain.lifecycle import Status
from perfdesk.store import FormRecord, Store

# Where a reviewer's answer leaves a form with the clerk, to change and send again.
ANSWERED = (Status.RETURNED, Status.FEEDBACK)


@dataclass(frozen=True)
class Returned:
    reasons: dict[str, str]  # cell path → why, as the reviewer wrote it
    document: dict  # the form's content when the answer arrived


def returned(store: Store, record: FormRecord) -> Returned | None:
    """The per-field reasons the form is back with, or None (not returned, or returned without any)."""
    if record.status not in ANSWERED:
        return None
    events = store.events(record.id)
    answer = next((e for e in reversed(events) if e.target is record.status and e.source is not e.target), None)
    reasons = (answer.detail.get("reasons") if answer is not None else None) or {}
    reasons = {k: v for k, v in reasons.items() if isinstance(k, str) and isinstance(v, str) and v.strip()}
    if not reasons:
        return None
    written = [(r.saved_at, r.data) for r in store.revisions(record.id) if not r.damaged]
    written.append((record.updated_at, record.data))
    before = [(at, data) for at, data in written if at <= answer.at]
    return Returned(reasons, max(before, key=lambda pair: pair[0])[1] if before else record.data)
