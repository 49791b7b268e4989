"""Backup and restore of an SQLite store with SQLite's online backup API (sqlite3.Connection.backup).

The backup API copies a consistent snapshot page by page while the program keeps writing (an
editor autosaving): a plain file copy of a WAL database could miss the last save or be torn.
Restoring keeps the current database aside first (“<name>.恢复前-<time>.db”) and only then
copies the backup over it, again with the backup API, so open connections see the restored data."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from perfdesk.domain.dates import format_moment
from perfdesk.os_errors import explain_os, explain_sqlite
from perfdesk.store.store_errors import StoreError
from perfdesk.store.location import sqlite_file


@dataclass(frozen=True)
class BackupPreview:
    path: Path
    units: list[str]
    forms: int
    newest: list[tuple[str, dt.datetime]]  # (title, updated at, aware) of the most recently changed forms
    written: dt.datetime  # aware

    def lines(self) -> list[str]:
        """What the clerk reads before restoring, times in this computer's zone (2026年12月6日 16:30)."""
        shown = "、".join(self.units) or "无"
        newest = [f"  {title}（{format_moment(when)}）" for title, when in self.newest]
        return [f"备份文件：{self.path}（{format_moment(self.written)} 写入）", f"单位：{shown}",
                f"表单：{self.forms} 份；最近修改的：", *newest]


def database_file(url: str) -> Path:
    found = sqlite_file(url)
    if found is None:
        raise StoreError("只有本机的 SQLite 数据库文件可以备份和恢复；其他数据库请由管理员用其自身的备份工具备份")
    return found


def _read(path: Path):
    """A read-only connection, closed after use (an open handle keeps the file locked on Windows)."""
    return closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10))


def _problem(exc: sqlite3.Error) -> str:
    return explain_sqlite(str(exc)) or str(exc)


def backup(url: str, target: Path) -> Path:
    """A consistent copy of the database at `url` written to `target` (never over the database itself)."""
    source = database_file(url)
    if target.suffix.lower() != ".db":
        target = target.with_name(target.name + ".db")
    if target.exists() and target.resolve() == source.resolve():
        raise StoreError(f"备份文件不能是数据库本身（{source}），请另选文件名")
    if not target.parent.is_dir():
        raise StoreError(f"文件夹 {target.parent} 不存在，请先建立该文件夹或另选保存位置")
    partial = target.with_name(f".{target.name}.part")
    try:
        with _read(source) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        partial.replace(target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"无法备份数据库 {source}：{_problem(exc)}") from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"无法写入备份文件 {target}：{explain_os(exc)}") from exc
    return target


def preview(path: Path) -> BackupPreview:
    """What a backup file holds, read without changing it; refused when it is no sound PerfDesk database."""
    if not path.is_file():
        raise StoreError(f"备份文件 {path} 不存在，请核对文件名")
    try:
        with _read(path) as db:
            status = db.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise StoreError(f"备份文件 {path} 已损坏（{status}），不能用来恢复")
            units = [f"{name}（{code}）" for name, code in db.execute("SELECT name, code FROM units ORDER BY id")]
            # Forms in the recycle bin are not counted, as the list does not show them (an old
            # backup has no recycle bin).
            columns = {row[1] for row in db.execute("PRAGMA table_info(form_instances)")}
            listed = "WHERE deleted_at IS NULL" if "deleted_at" in columns else ""
            forms = db.execute(f"SELECT COUNT(*) FROM form_instances {listed}").fetchone()[0]
            newest = [(t, _stored_time(u)) for t, u in db.execute(
                f"SELECT title, updated_at FROM form_instances {listed} ORDER BY updated_at DESC LIMIT 5")]
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            raise StoreError(f"{path} 不是 PerfDesk 的数据库备份，请选择用“备份数据库”生成的文件") from exc
        raise StoreError(f"无法读取备份文件 {path}：{_problem(exc)}") from exc
    written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
    return BackupPreview(path, units, forms, newest, written)


def _stored_time(text) -> dt.datetime:
    """A time as the store keeps it (UTC text, “2026-12-06 08:30:12.123456”), made aware."""
    value = dt.datetime.fromisoformat(str(text))
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def restore(url: str, source: Path, *, now: dt.datetime | None = None) -> Path:
    """Replace the database at `url` with the backup `source`; returns where the current one was kept."""
    preview(source)  # refuses a damaged or foreign file before anything changes
    current = database_file(url)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    kept = current.with_name(f"{current.stem}.恢复前-{stamp}{current.suffix or '.db'}")
    if current.exists():
        backup(url, kept)
    try:
        with _read(source) as src, closing(sqlite3.connect(current, timeout=10)) as dst:
            src.backup(dst)
    except sqlite3.Error as exc:
        raise StoreError(f"无法恢复数据库 {current}：{_problem(exc)}；原数据库已另存为 {kept}") from exc
    return kept


def integrity(path: Path) -> str:
    """SQLite's integrity_check of a file: "ok" when sound."""
    with _read(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
