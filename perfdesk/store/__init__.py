"""PerfDesk storage: SQLite (or any SQLAlchemy URL) behind a small API of plain records.

No business rules live here; the domain layer validates and converts before calling.

The names below are imported on first use (PEP 562): `perfdesk.store.location` and
`perfdesk.store.first_look` serve the window's first paint without importing SQLAlchemy, which
`from perfdesk.store import Store` then brings in."""

from __future__ import annotations

import importlib

_WHERE = {
    "Store": "store", "SETTING_ROLE": "store", "SETTING_UNIT_ID": "store",
    "StoreError": "store_errors", "DamagedFormError": "store_errors", "FormConflict": "store_errors", "default_url": "location",
    "Received": "packages",
    "UnitRecord": "records", "FormRecord": "records", "FormSummary": "records", "RevisionRecord": "records",
    "IdentityRecord": "records", "TrustRecord": "records", "InboxRecord": "records",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups find the plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
