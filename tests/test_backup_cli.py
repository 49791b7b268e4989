"""perfdesk backup / restore as a clerk or a script runs them."""

from __future__ import annotations

import sqlite3

import pytest

from perfdesk.cli import main
from perfdesk.store import Store
from perfdesk.store.backup import integrity


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(full_demo_store, db_url):
    """What `perfdesk demo --year 2027` writes, in this test's database."""
    return db_url


def titles(url):
    s = Store(url)
    try:
        return sorted(f.title for f in s.list_forms())
    finally:
        s.close()


def test_backup_then_restore_with_preview(demo, tmp_path, capsys, monkeypatch):
    code, out, _ = run(capsys, "backup", str(tmp_path / "周五备份"))
    target = tmp_path / "周五备份.db"
    assert code == 0 and f"已备份到：{target}（27 份表单" in out and integrity(target) == "ok"
    before = titles(demo)
    s = Store(demo)
    s.delete_form(s.list_forms()[0].id)
    s.close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code, out, err = run(capsys, "restore", str(target))  # a script must say --yes
    assert code == 1 and "表单：27 份" in out and "请加 --yes" in err and titles(demo) != before
    code, out, _ = run(capsys, "restore", str(target), "--yes")
    assert code == 0 and "原数据库已另存为" in out and titles(demo) == before
    kept = out.split("原数据库已另存为：")[1].strip()
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT COUNT(*) FROM form_instances WHERE deleted_at IS NULL").fetchone()[0] == 26


def test_restore_refuses_a_file_that_is_no_backup(demo, tmp_path, capsys):
    (tmp_path / "x.db").write_text("hello")
    code, _, err = run(capsys, "restore", str(tmp_path / "x.db"), "--yes")
    assert code == 1 and "Traceback" not in err and ("不是 PerfDesk 数据库" in err or "已损坏" in err)
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.close()
    code, _, err = run(capsys, "restore", str(tmp_path / "other.db"), "--yes")
    assert code == 1 and "不是 PerfDesk 的数据库备份" in err
    code, _, err = run(capsys, "restore", str(tmp_path / "missing.db"), "--yes")
    assert code == 1 and "不存在" in err


def test_backup_never_overwrites_the_database_itself(demo, capsys):
    path = demo.removeprefix("sqlite:///")
    code, _, err = run(capsys, "backup", path)
    assert code == 1 and "不能是数据库本身" in err


def test_restore_preview_shows_local_times_as_chinese_tables_write_them(demo, tmp_path, capsys, monkeypatch):
    import os
    import time

    target = tmp_path / "备份.db"
    assert run(capsys, "backup", str(target))[0] == 0
    with sqlite3.connect(target) as db:  # the store keeps UTC: 08:30 UTC is 16:30 in Beijing
        db.execute("UPDATE form_instances SET updated_at = '2026-12-06 08:30:12.345678' WHERE id = "
                   "(SELECT MAX(id) FROM form_instances)")
        title = db.execute("SELECT title FROM form_instances WHERE id = (SELECT MAX(id) FROM form_instances)").fetchone()[0]
        db.execute("UPDATE form_instances SET updated_at = '2026-12-06 08:00:00' WHERE id != "
                   "(SELECT MAX(id) FROM form_instances)")
    written = 1796545980  # 2026-12-06 08:33 UTC
    os.utime(target, (written, written))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
        code, out, _ = run(capsys, "restore", str(target))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert code == 1
    assert f"备份文件：{target}（2026年12月6日 16:33 写入）" in out
    assert f"  {title}（2026年12月6日 16:30）" in out.splitlines()
    assert "2026-12-06" not in out
