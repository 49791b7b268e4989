"""Copy a whole database to another (SQLite ⇄ PostgreSQL), verified by row counts and checksums.

Every table of the schema is copied row for row with its ids, in one transaction on the target,
and the target's counts and checksums are compared with the source's before that transaction
commits: a copy that does not match leaves the target as it was."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from perfdesk.store.codec import aware_utc
from perfdesk.store.engine import migrate, open_engine, reason, shown
from perfdesk.store.store_errors import StoreError
from perfdesk.store.tables import metadata

_BATCH = 500


@dataclass(frozen=True)
class TableCopy:
    name: str
    rows: int
    sha256: str


def copy_database(source_url: str, target_url: str) -> list[TableCopy]:
    """Copy everything from source to an empty target (created and migrated if need be)."""
    if shown(source_url) == shown(target_url):
        raise StoreError(f"源数据库与目标数据库相同（{shown(source_url)}），请指定另一个目标")
    src_reader, src_writer = open_engine(source_url)
    dst_reader, dst_writer = open_engine(target_url)
    try:
        migrate(src_writer, source_url, reader=src_reader)  # an older file is brought to this schema first
        migrate(dst_writer, target_url, reader=dst_reader)
        try:
            with src_reader.connect() as src, dst_writer.begin() as dst:
                _check_empty(dst, target_url)
                copied = []
                for table in metadata.sorted_tables:  # parents before children, for the foreign keys
                    _copy_rows(src, dst, table)
                    _reset_sequence(dst, table)
                    want, got = table_checksum(src, table), table_checksum(dst, table)
                    if want != got:
                        raise StoreError(
                            f"复制后核对不符：表 {table.name} 源库 {want.rows} 行（{want.sha256[:12]}），"
                            f"目标库 {got.rows} 行（{got.sha256[:12]}）；目标库未作任何改动，请检查后重试")
                    copied.append(want)
                return copied
        except SQLAlchemyError as exc:
            raise StoreError(f"复制到 {shown(target_url)} 失败：{reason(exc)}；目标库未作任何改动") from exc
    finally:
        for engine in (src_reader, dst_reader):
            engine.dispose()


def database_checksums(url: str) -> list[TableCopy]:
    """Counts and checksums of every table of a database, as copy_database compares them."""
    reader, _writer = open_engine(url)
    try:
        with reader.connect() as conn:
            return [table_checksum(conn, table) for table in metadata.sorted_tables]
    except SQLAlchemyError as exc:
        raise StoreError(f"无法读取数据库 {shown(url)}：{reason(exc)}") from exc
    finally:
        reader.dispose()


def table_checksum(conn: Connection, table: Table) -> TableCopy:
    digest = hashlib.sha256()
    rows = 0
    for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
        digest.update(json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode())
        digest.update(b"\n")
        rows += 1
    return TableCopy(table.name, rows, digest.hexdigest())


def _canonical(value):
    # The same row reads back as naive UTC from SQLite and as an aware time from PostgreSQL.
    if isinstance(value, datetime):
        return aware_utc(value).isoformat()
    if isinstance(value, (bytes, memoryview)):  # a kept package: its SHA-256 stands for it
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    return value


def _check_empty(conn: Connection, url: str) -> None:
    for table in metadata.sorted_tables:
        if conn.scalar(select(func.count()).select_from(table)):
            raise StoreError(f"目标数据库 {shown(url)} 的表 {table.name} 已有数据：只能复制到空数据库，"
                             "请新建一个空库作为目标")


def _copy_rows(src: Connection, dst: Connection, table: Table) -> None:
    batch: list[dict] = []
    for row in src.execute(select(table).order_by(*table.primary_key.columns)):
        batch.append(dict(row._mapping))
        if len(batch) == _BATCH:
            dst.execute(insert(table), batch)
            batch = []
    if batch:
        dst.execute(insert(table), batch)


def _reset_sequence(conn: Connection, table: Table) -> None:
    # Rows came with their ids: PostgreSQL's id sequence must start after them for new rows.
    if conn.dialect.name != "postgresql" or "id" not in table.c:
        return
    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                      f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
