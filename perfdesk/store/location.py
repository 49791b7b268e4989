"""Where the database and the schema's migrations are, worked out without importing SQLAlchemy.

The window's first paint reads the form list before SQLAlchemy (a quarter of a second to import)
is loaded, so the default URL, the file behind an SQLite URL and the newest schema revision are
found here with the standard library. Every answer equals SQLAlchemy's: a URL this module cannot
read with certainty is handed to SQLAlchemy's own parser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

APP_NAME = "PerfDesk"  # also form_files.APP_NAME: the user's forms/ is beside the database
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Every revision file is named "<revision id>_<slug>.py" with a four-digit id, ids in order.
REVISION_FILES = "[0-9][0-9][0-9][0-9]_*.py"
# `sqlite:///<database>` with nothing else: no driver options, user, host, port or query. What
# SQLAlchemy's URL parser makes of it: the database is the percent-decoded rest.
_PLAIN_SQLITE = re.compile(r"sqlite(?:\+pysqlite)?:///(?P<database>[^?]*)")
_UNSURE = object()


def default_url() -> str:
    """PERFDESK_DB, else `perfdesk.db` in the user's data folder (the folder is made if missing)."""
    env = os.environ.get("PERFDESK_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    folder = Path(user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return sqlite_url(folder / "perfdesk.db")


def sqlite_url(path: Path) -> str:
    """The URL of an SQLite file, escaped as SQLAlchemy's URL.create(...).render_as_string() does, so
    a '?', '#' or '%' in a folder name stays part of the path."""
    return "sqlite:///" + quote(str(path), safe=" +/")


def sqlite_file(url: str) -> Path | None:
    """The database file of a file-based SQLite URL, made absolute the way SQLite does (relative to
    the working folder); None for an in-memory or any other database."""
    found = _plain_sqlite_file(url)
    if found is _UNSURE:
        found = _parsed_sqlite_file(url)
    return None if found is None else Path(os.path.abspath(Path(found).expanduser()))


def _plain_sqlite_file(url: str):
    match = _PLAIN_SQLITE.fullmatch(url)
    if match is None:
        return _UNSURE
    database = unquote(match["database"])
    if database.startswith("file:"):
        return _UNSURE  # an SQLite URI filename: let SQLAlchemy read it
    return None if database in ("", ":memory:") else database


def _parsed_sqlite_file(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - a malformed URL names no file; opening the store reports it
        return None
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):  # SQLite URI filename
        database = database[len("file:"):].split("?", 1)[0]
    return database


def head_revision() -> str | None:
    """The newest revision id, from the migration file names; None if none are found."""
    return max((p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob(REVISION_FILES)), default=None)
