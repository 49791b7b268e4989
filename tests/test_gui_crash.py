"""Killed while editing: a PerfDesk process editing a declaration with autosave is SIGKILLed. The
database must open again intact, with what was autosaved, and the dead process's lock must be
taken over by the next PerfDesk."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from perfdesk.store import Store
from perfdesk.store.first_look import first_look

ROOT = Path(__file__).resolve().parents[1]
TITLE = "2027年校舍维修改造项目"
FIELD = "annual_goal"

# Runs the real editor window offscreen: edits FIELD every 60 ms with a 30 ms autosave (the editor
# saves once typing pauses that long), and prints each value once saved. READY follows the first.
EDITING = textwrap.dedent(f"""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from perfdesk.store import Store
    from perfdesk.catalog.form_files import install
    install()  # as the start-up does
    from perfdesk.ui.app import acquire_db_lock
    from perfdesk.ui.editor import DeclarationEditor

    url, form_id = sys.argv[1], int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    lock = acquire_db_lock(url)
    if lock is None:
        sys.exit("database already locked")
    store = Store(url)
    editor = DeclarationEditor(store, form_id, autosave_ms=30)
    editor.show()
    count = 0

    def edit():
        global count
        count += 1
        editor.set_value({FIELD!r}, f"第{{count}}次修改：年内完成项目主体任务。")

    def saved(_form_id):
        value = store.get_form(form_id).data[{FIELD!r}]
        print("SAVED", value, flush=True)
        if not getattr(saved, "ready", False):
            saved.ready = True
            print("READY", flush=True)

    editor.saved.connect(saved)
    timer = QTimer()
    timer.timeout.connect(edit)
    timer.start(60)
    app.exec()
""")


def edit_number(text: str) -> int:
    match = re.match(r"第(\d+)次修改", text)
    assert match, text
    return int(match.group(1))


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_while_autosaving_keeps_the_saved_value_and_the_database_intact(tmp_path, demo_templates):
    from perfdesk.ui.app import acquire_db_lock

    url = demo_templates.copy("declarations", tmp_path / "crash.db")
    with Store(url) as store:
        form_id = next(f.id for f in store.list_forms() if f.title == TITLE)
        original = store.get_form(form_id).data[FIELD]

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    process = subprocess.Popen([sys.executable, "-c", EDITING, url, str(form_id)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, text=True, bufsize=1)
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line.strip()) for line in process.stdout] + [lines.put(None)],
                              daemon=True)
    reader.start()
    printed: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while "READY" not in printed:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            assert line is not None, f"editor process ended ({process.wait()}): {process.stderr.read()}"
            printed.append(line)
        assert acquire_db_lock(url) is None  # the live editor holds the database
        time.sleep(0.4)  # keep editing and autosaving a little, then kill it mid-flight
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        reader.join(timeout=30)
        while (line := lines.get_nowait()) is not None:
            printed.append(line)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    saved = [edit_number(line.split(" ", 1)[1]) for line in printed if line.startswith("SAVED ")]
    assert len(saved) >= 2 and saved == sorted(saved)
    # The next start paints from a first look at the file the killed process left (log included).
    look = first_look(url, ("declaration",))
    assert look is not None and len(look.forms) == 5
    with Store(url) as store:
        assert look.forms == tuple(store.list_summaries(form_id="declaration"))
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        stored = store.get_form(form_id).data[FIELD]
        assert stored != original
        # What was reported saved is there; a save committed just before the kill may be newer.
        assert edit_number(stored) >= saved[-1]
        assert len(store.list_forms()) == 5

    lock = acquire_db_lock(url)  # the dead process's lock is stale: taken over
    assert lock is not None and lock.isLocked()
    lock.unlock()
