"""Engine creation, SQLite connection settings and programmatic Alembic migration.

Alembic (with Mako and Pygments, ~100 ms to import) is only imported when the database is not
already at the newest revision: opening an up-to-date database reads alembic_version and goes on."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from perfdesk.store.store_errors import StoreError
from perfdesk.store.location import MIGRATIONS, default_url, head_revision, sqlite_file  # noqa: F401 - where callers have found them

# Execution option read by the "begin" listener: writers take SQLite's write lock up front,
# so a read-then-write (save_form) cannot interleave with another process's write.
BEGIN_MODE = "perfdesk_sqlite_begin"


def shown(url: str) -> str:
    # Name the database in messages without ever printing a password.
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as typed
        return url


def reason(exc: BaseException) -> str:
    # The driver's own message is the useful part; SQLAlchemy's wrapper adds SQL and links.
    from perfdesk.os_errors import explain

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return explain(exc.orig)
    return explain(exc)


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def read_only_file(url: str) -> Path | None:
    """The SQLite file behind `url` when this process may not write it or its folder (read-only
    media, a locked-down share): such a database is opened read-only, for listing and export."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    return None if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK) else path


def _read_only_url(path: Path) -> URL:
    params = {"mode": "ro", "uri": "true"}
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
        # A WAL database needs its -shm file, which nobody can create here; nobody can change the
        # database here either, so SQLite may read it as immutable.
        params["immutable"] = "1"
    return URL.create("sqlite", database="file:" + quote(path.as_posix(), safe="/:"), query=params)


def _sqlite_setup(engine: Engine, memory: bool, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            # busy_timeout first, so switching to WAL waits instead of failing on a busy file.
            cur.execute("PRAGMA busy_timeout=5000")
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory and not read_only:
                cur.execute("PRAGMA journal_mode=WAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def wal_checkpoint(engine: Engine) -> None:
    """Copy what SQLite's write-ahead log holds into the database file itself, so that a copy of the
    .db file alone (made by hand while the app is open) holds every saved form. On the raw connection:
    a checkpoint cannot run inside the transaction SQLAlchemy would begin. PASSIVE: never waits for
    another reader or writer (SQLite empties the log itself when the last connection closes). Best
    effort: a busy or failed checkpoint leaves the data where SQLite keeps it safe, in the log."""
    try:
        raw = engine.raw_connection()
    except SQLAlchemyError:
        return
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cursor.fetchall()
        finally:
            cursor.close()
    except engine.dialect.loaded_dbapi.Error:
        pass
    finally:
        raw.close()


def open_engine(url: str, read_only: Path | None = None) -> tuple[Engine, Engine]:
    """Return (reader, writer) engines sharing one pool, or raise StoreError naming the URL.
    read_only (see read_only_file): open that file with SQLite's mode=ro, never switching to WAL."""
    try:
        parsed = make_url(url) if read_only is None else _read_only_url(read_only)
        memory = read_only is None and parsed.get_backend_name() == "sqlite" and _is_memory(parsed)
        # One shared connection for in-memory SQLite, else each connection is a new empty db.
        extra = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}} if memory else {}
        engine = create_engine(parsed, **extra)
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise StoreError(f"无法打开数据库 {shown(url)}：{reason(exc)}") from exc
    if parsed.get_backend_name() == "sqlite":
        _sqlite_setup(engine, memory, read_only is not None)
    return engine, engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def at_head(reader: Engine) -> bool:
    """True when the database records exactly the newest revision; False for anything else
    (no such table, an older or newer revision, not a database at all), which Alembic then sorts out."""
    head = head_revision()
    if head is None:
        return False
    try:
        with reader.connect() as conn:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except SQLAlchemyError:
        return False
    return [tuple(row) for row in rows] == [(head,)]


def migrate(writer: Engine, url: str, *, reader: Engine | None = None) -> None:
    """Bring the schema to head in one write transaction on the store's own connection.

    With a reader, a database already at head is checked with one read and Alembic not imported."""
    if reader is not None and at_head(reader):
        return
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    config = Config()
    # ConfigParser interpolation treats '%' specially; a folder name may contain one.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    try:
        with writer.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except CommandError as exc:
        # Typically a database written by a newer PerfDesk than this one.
        raise StoreError(f"无法打开数据库 {shown(url)}：数据库版本无法识别（{exc}），请升级 PerfDesk") from exc
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"无法打开数据库 {shown(url)}：{reason(exc)}{_server_hint(url, exc)}") from exc


def _server_hint(url: str, exc: BaseException) -> str:
    # The driver's message is English; say in Chinese what to check when a server cannot be reached.
    if not isinstance(exc, OperationalError) or make_url(url).get_backend_name() == "sqlite":
        return ""
    return "\n请确认数据库服务器正在运行，地址、端口、数据库名、用户名和密码无误，且本机可以连接到它。"
