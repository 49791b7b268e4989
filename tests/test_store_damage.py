"""A damaged row, a read-only database, a demo cut short (issue 11): a form whose stored document is
not JSON is named, with the way to restore it, while every other form lists as usual; a database
on read-only media opens read-only for listing and export; `perfdesk demo` writes all or nothing."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from perfdesk.cli import main
from perfdesk.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def demo_db(tmp_path, demo_templates) -> Path:
    """What `perfdesk demo --year 2027` writes, as a file of this test's."""
    path = tmp_path / "demo.db"
    demo_templates.copy("full", path)
    return path


def _damage(path: Path, form_id: int, column: str = "data", text: str = "{not json") -> str:
    with sqlite3.connect(path) as con:
        title = con.execute("SELECT title FROM form_instances WHERE id = ?", (form_id,)).fetchone()[0]
        con.execute(f"UPDATE form_instances SET {column} = ? WHERE id = ?", (text, form_id))
    return title


def _edited(path: Path, form_id: int) -> None:
    """Save the form once more, so it has a revision to go back to."""
    with Store(f"sqlite:///{path}") as store:
        record = store.get_form(form_id)
        store.save_form(form_id, data=dict(record.data, _note="第二次保存"))


def test_list_shows_the_others_and_names_the_damaged_form(demo_db, capsys):
    url = f"sqlite:///{demo_db}"
    with Store(url) as store:
        every = {f.id for f in store.list_forms()}
    title = _damage(demo_db, 2)
    assert main(["list", "--db", url]) != 0
    out = capsys.readouterr().out.splitlines()
    listed = {int(line.split("\t")[0]) for line in out if "已损坏" not in line}
    assert listed == every - {2}
    (damaged,) = [line for line in out if "已损坏" in line]
    assert title in damaged and "perfdesk revisions 2" in damaged and "--restore" in damaged
    from perfdesk.store import DamagedFormError

    with Store(url) as store:
        with pytest.raises(DamagedFormError):
            store.list_forms()  # without a list to collect them, the damage is not silently skipped


@pytest.mark.parametrize("column,text", [("data", "{not json"), ("data", "[1, 2]"), ("amount", "12..5")])
def test_export_and_package_of_a_damaged_form_say_so(demo_db, tmp_path, capsys, column, text):
    url = f"sqlite:///{demo_db}"
    _damage(demo_db, 1, column, text)
    for argv in (["export", "1", "--pdf", str(tmp_path / "a.pdf")],
                 ["package", "1", "--out", str(tmp_path / "a.pdpkg")]):
        assert main([*argv, "--db", url]) != 0
        err = capsys.readouterr().err
        assert "表单 1" in err and "已损坏" in err and "perfdesk revisions 1" in err, err
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "a.pdpkg").exists()


def test_a_damaged_form_is_restored_from_a_revision(demo_db, capsys):
    url = f"sqlite:///{demo_db}"
    with Store(url) as store:
        before = store.get_form(3)
    _edited(demo_db, 3)
    _damage(demo_db, 3)
    assert main(["revisions", "3", "--db", url]) == 0
    out = capsys.readouterr().out
    revision_id = int(out.splitlines()[1].split("\t")[0])
    assert main(["revisions", "3", "--restore", str(revision_id), "--db", url]) == 0
    with Store(url) as store:
        assert store.get_form(3).data == before.data
        revisions = store.revisions(3)
        assert revisions[-1].damaged  # the damaged text is kept, not thrown away
    assert main(["list", "--db", url]) == 0


# --- read-only media --------------------------------------------------------------------------

@pytest.fixture
def read_only_folder(tmp_path):
    """A folder this process cannot write: chmod for a normal user, a read-only tmpfs for root."""
    folder = tmp_path / "ro"
    folder.mkdir()
    state = {}

    def seal() -> None:
        if os.geteuid() != 0:
            for item in folder.iterdir():
                item.chmod(0o444)
            folder.chmod(0o555)
            return
        staged = tmp_path / "staged"
        shutil.copytree(folder, staged)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)]).returncode != 0:
            pytest.skip("cannot make read-only media here (root without mount)")
        state["mounted"] = True
        for item in staged.iterdir():
            shutil.copy(item, folder / item.name)
        assert subprocess.run(["mount", "-o", "remount,ro", str(folder)]).returncode == 0

    yield folder, seal
    if state.get("mounted"):
        subprocess.run(["umount", str(folder)])
    else:
        folder.chmod(0o755)


def test_a_database_on_read_only_media_lists_and_exports(demo_db, read_only_folder, tmp_path, capsys):
    folder, seal = read_only_folder
    shutil.copy(demo_db, folder / "demo.db")
    seal()
    assert not os.access(folder, os.W_OK)
    url = f"sqlite:///{folder / 'demo.db'}"
    assert main(["list", "--db", url]) == 0
    assert "校舍维修改造项目" in capsys.readouterr().out
    assert main(["export", "1", "--pdf", str(tmp_path / "out.pdf"), "--db", url]) == 0
    assert (tmp_path / "out.pdf").read_bytes()[:5] == b"%PDF-"
    assert main(["demo", "--db", url]) != 0  # a change is refused, in Chinese, not with a traceback
    assert "只读" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["demo.db"]


# --- demo: all or nothing -----------------------------------------------------------------------

def _tables(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("units", "form_instances", "revisions")}


def test_demo_failing_midway_leaves_nothing(tmp_path, monkeypatch, capsys):
    from perfdesk.demo import demo_forms as demo
    from perfdesk.store import StoreError

    path = tmp_path / "d.db"
    Store(f"sqlite:///{path}").close()

    def broken(store, year):  # the declarations and monitoring are written by now
        raise StoreError("磁盘已满")

    monkeypatch.setattr(demo, "load_evaluation_demo", broken)
    assert main(["demo", "--year", "2027", "--db", f"sqlite:///{path}"]) != 0
    assert "磁盘已满" in capsys.readouterr().err
    assert _tables(path) == {"units": 0, "form_instances": 0, "revisions": 0}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL on this system")
def test_demo_killed_midway_leaves_nothing(tmp_path):
    path = tmp_path / "d.db"
    script = f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
from perfdesk.demo import demo_forms as demo
from perfdesk.cli import main
def killed(store, year):
    os.kill(os.getpid(), signal.SIGKILL)
demo.load_evaluation_demo = killed
main(["demo", "--year", "2027", "--db", "sqlite:///{path}"])
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert _tables(path) == {"units": 0, "form_instances": 0, "revisions": 0}


def test_a_damaged_setting_or_inbox_detail_is_named_not_crashed_on(demo_db):
    from perfdesk.store import StoreError

    url = f"sqlite:///{demo_db}"
    with Store(url) as store:
        store.set_setting("role", "unit")
        store.log_rejected(file_sha256="0" * 64, file_name="x.pdpkg", reason="测试", detail={"a": 1})
    with sqlite3.connect(demo_db) as con:
        con.execute("UPDATE settings SET value = '{broken' WHERE key = 'role'")
        con.execute("UPDATE inbox SET detail = '{broken'")
    with Store(url) as store:
        with pytest.raises(StoreError, match="设置 role 已损坏"):
            store.get_setting("role")
        (entry,) = store.inbox()
        assert entry.reason == "测试" and entry.detail is None
