"""Start-up time: process start to the main window shown with the demo data, against a bare PySide6
QMainWindow timed the same way in the same run (target: PerfDesk <= 2x the bare window).

Each run is a fresh `python` process, timed from just before it is spawned until it prints its mark:
  - PerfDesk: `python -m perfdesk --db URL` with PERFDESK_EXIT_AFTER_SHOW=1, which prints the mark
    once the window has painted with its list loaded, and a second mark once its store is open
    (SQLAlchemy imported, the database opened: every action works), then quits. The first mark is
    the one timed against the target; the second is reported beside it;
  - bare: a QApplication and an empty QMainWindow that print the mark on their first paint;
  - bare + SQLAlchemy (for reference, not the target): the same window after importing SQLAlchemy
    Core, opening the demo database and reading the form list with it. The floor for any window
    whose list comes through SQLAlchemy: importing SQLAlchemy Core alone takes about as long as the
    whole bare window.
The demo database is prepared beforehand. The kinds alternate; the median of 7 each is
reported, after one untimed warm-up each (disk cache).

    python bench/startup.py [--frozen dist/PerfDesk/PerfDesk]

With --frozen, the built one-folder app (build_installer.spec) is timed the same way beside them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfdesk.ui.app import EXIT_AFTER_SHOW, READY_MARK, SHOWN_MARK  # noqa: E402
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

RUNS = 7
TARGET_RATIO = 2.0

BARE = f"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Shown(QObject):
    done = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            print({SHOWN_MARK!r}, flush=True)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1180, 680)
shown = Shown()
window.installEventFilter(shown)
window.show()
sys.exit(app.exec())
"""


# Same window, after what any SQLAlchemy-backed list must do first (imported before PySide6, as
# perfdesk.cli does for the GUI).
WITH_SQLALCHEMY = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.connect() as conn:
    rows = conn.execute(text("SELECT id, title, status, amount, updated_at FROM form_instances")).all()
engine.dispose()
""" + BARE


def prepare(folder: Path) -> str:
    from perfdesk.demo.demo_forms import load_demo
    from perfdesk.store import Store

    url = f"sqlite:///{folder / 'demo.db'}"
    with Store(url) as store:
        load_demo(store, 2027)
    return url


def timed(argv: list[str], env: dict[str, str], marks: tuple[str, ...] = (SHOWN_MARK,)) -> list[float]:
    """Milliseconds from spawning the process until it prints each of the marks."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    assert process.stdout is not None
    elapsed: list[float] = []
    for line in process.stdout:
        if line.strip() == marks[len(elapsed)]:
            elapsed.append((time.perf_counter() - start) * 1000)
            if len(elapsed) == len(marks):
                break
    else:
        process.wait()
        raise SystemExit(f"{argv[:3]} exited ({process.returncode}) after {elapsed} without printing {marks}")
    process.stdout.close()
    if process.wait(timeout=30) != 0:
        raise SystemExit(f"{argv[:3]} exited with {process.returncode}")
    return elapsed


def main(argv: list[str]) -> int:
    frozen = Path(argv[argv.index("--frozen") + 1]).resolve() if "--frozen" in argv else None
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env[EXIT_AFTER_SHOW] = "1"
    # Byte-code cached as an installed PerfDesk has it (pip compiles a wheel's modules when it installs
    # them): the warm-up run writes it to a folder of its own, whatever PYTHONDONTWRITEBYTECODE says.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as folder:
        url = prepare(Path(folder))
        env["HOME"] = folder  # settings and data folders of a fresh user, not the real ones
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = folder
        app_argv = [sys.executable, "-m", "perfdesk", "--db", url]
        bare_argv = [sys.executable, "-c", BARE]
        floor_argv = [sys.executable, "-c", WITH_SQLALCHEMY, url]
        app_marks = (SHOWN_MARK, READY_MARK)
        timed(app_argv, env, app_marks), timed(bare_argv, env), timed(floor_argv, env)  # warm-up
        frozen_ms: list[float] = []
        if frozen is not None:
            timed([str(frozen), "--db", url], env, app_marks)
        app_ms, ready_ms, bare_ms, floor_ms = [], [], [], []
        for _ in range(RUNS):
            if frozen is not None:
                frozen_ms.append(timed([str(frozen), "--db", url], env, app_marks)[0])
            shown, ready = timed(app_argv, env, app_marks)
            app_ms.append(shown)
            ready_ms.append(ready)
            bare_ms.append(timed(bare_argv, env)[0])
            floor_ms.append(timed(floor_argv, env)[0])
    app_median, bare_median = statistics.median(app_ms), statistics.median(bare_ms)
    floor_median, ready_median = statistics.median(floor_ms), statistics.median(ready_ms)
    ratio = app_median / bare_median
    verdict = "达标 OK" if ratio <= TARGET_RATIO else "未达标 SLOW"
    platform = env.get("QT_QPA_PLATFORM") or f"(Qt's default for DISPLAY={env.get('DISPLAY', '')})"
    print(f"bare QMainWindow: median {bare_median:.0f} ms  ({', '.join(f'{t:.0f}' for t in bare_ms)})")
    print(f"bare + SQLAlchemy Core reading the list (reference): median {floor_median:.0f} ms  "
          f"({', '.join(f'{t:.0f}' for t in floor_ms)}), ratio {floor_median / bare_median:.2f}")
    print(f"PerfDesk main window with demo data: median {app_median:.0f} ms  ({', '.join(f'{t:.0f}' for t in app_ms)})")
    print(f"PerfDesk store open behind it (every action ready): median {ready_median:.0f} ms  "
          f"({', '.join(f'{t:.0f}' for t in ready_ms)})")
    if frozen_ms:
        print(f"built app {frozen.name} (one folder): median {statistics.median(frozen_ms):.0f} ms  "
              f"({', '.join(f'{t:.0f}' for t in frozen_ms)})")
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO:.0f}x the bare window) {verdict}; "
          f"{RUNS} runs each, process start to first paint, QT_QPA_PLATFORM={platform}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
