"""A first look at an SQLite store with the standard library: what the main window shows when it
opens, read before SQLAlchemy is imported.

Importing SQLAlchemy takes longer than showing a whole empty window, so the window paints from
this look and opens the store right after. It reads exactly what `Store.years`, `Store.units`,
`Store.get_setting` and `Store.list_summaries` give (tests hold the two side by side), and only
from a database that is already at the newest schema revision and has a unit set up. Anything
else — another kind of database, a missing file, an older or newer schema, no unit yet (first-run
setup), a value it cannot read — gives None, and the caller opens the store the ordinary way.
Nothing is ever written: the file is opened read-only and never created.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from perfdesk.domain.lifecycle import parse_status
from perfdesk.store.codec import aware_utc, load_amount
from perfdesk.store.location import head_revision, sqlite_file
from perfdesk.store.records import SUMMARY_COLUMNS, FormSummary

_TIMES = ("created_at", "updated_at", "deleted_at")


@dataclass(frozen=True)
class FirstLook:
    """What a store held at one moment, as the store's own API would have given it."""

    url: str
    form_ids: tuple[str, ...]  # the kinds whose forms were read
    years: tuple[int, ...]  # Store.years(): years with a form not in the recycle bin, newest first
    unit_names: dict[int, str]  # every unit's name by id
    settings: dict[str, Any]  # Store.get_setting for every key set
    forms: tuple[FormSummary, ...]  # Store.list_summaries of those kinds, every year, newest first

    def setting(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


def first_look(url: str, form_ids: Sequence[str]) -> FirstLook | None:
    """The store's years, units, settings and the forms of those kinds; None when the store must be
    opened the ordinary way first (see the module's docstring)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    head = head_revision()
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return _read(conn, url, tuple(form_ids), head)
    except (sqlite3.Error, ValueError, TypeError, ArithmeticError):
        return None  # not what this version wrote: the ordinary way reports it properly
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, url: str, form_ids: tuple[str, ...], head: str | None) -> FirstLook | None:
    conn.execute("BEGIN")  # one snapshot for every read below
    if head is None or conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(head,)]:
        return None
    unit_names = dict(conn.execute("SELECT id, name FROM units ORDER BY id"))
    if not unit_names:
        return None  # first run: the setup dialog needs the store
    settings = {key: json.loads(value) for key, value in conn.execute('SELECT "key", value FROM settings')}
    years = tuple(year for (year,) in conn.execute(
        "SELECT DISTINCT year FROM form_instances WHERE deleted_at IS NULL ORDER BY year DESC"))
    marks = ", ".join("?" * len(form_ids))
    rows = conn.execute(
        f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM form_instances "
        f"WHERE deleted_at IS NULL AND form_id IN ({marks}) ORDER BY updated_at DESC, id DESC", form_ids)
    forms = tuple(_summary(dict(zip(SUMMARY_COLUMNS, row))) for row in rows)
    return FirstLook(url=url, form_ids=form_ids, years=years, unit_names=unit_names, settings=settings,
                     forms=forms)


def _summary(row: dict[str, Any]) -> FormSummary:
    for name in _TIMES:  # stored as SQLAlchemy writes DATETIME on SQLite: "2026-11-21 06:48:51.693864"
        row[name] = aware_utc(_time(row[name]))
    row["amount"] = load_amount(row["amount"])
    row["status"] = parse_status(row["status"])
    return FormSummary(**row)


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"not a stored time: {text!r}")
    return datetime.fromisoformat(text)
