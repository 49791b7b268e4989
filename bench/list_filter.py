"""Search-as-you-type on 10,000 forms: median ms per keystroke until the list has filtered (target 50 ms).

Fills a temporary store with 10,000 declarations (the demo documents, bulk-inserted with SQLAlchemy
Core on store.engine: the Store API writes one transaction per form), opens the main window on
全部年度, then types a 4-character Chinese query into searchBox one character at a time, the way an
input method commits it, and clears it again, several rounds. Also prints how long loading the
10,000-row list takes (read in a worker thread) and the longest GUI-thread stall meanwhile.

    python bench/list_filter.py [--db URL]   (URL: an empty database, e.g. "$PERFDESK_TEST_PG_URL" under .ci/with_postgres)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from perfdesk.demo.demo_forms import load_declarations_demo, samples  # noqa: E402
from perfdesk.domain.document import headline_amount  # noqa: E402
from perfdesk.domain.registry import get_form  # noqa: E402
from perfdesk.store import Store  # noqa: E402
from perfdesk.store.codec import dump_amount, dump_json  # noqa: E402
from perfdesk.store.tables import form_instances  # noqa: E402
from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

FORMS = 10_000
QUERY = "校舍维修"
ROUNDS = 5
TARGET_MS = 50.0
PLACES = ("校舍", "图书馆", "实验室", "食堂", "操场", "学生宿舍", "高标准农田", "乡村道路", "供水管网", "校园监控")
WORKS = ("维修改造项目", "建设项目", "设备购置", "运行维护经费", "提升工程", "专项资金")
STATUSES = ("草稿", "待修改", "已校验", "已导出")


def fill(store: Store, count: int) -> None:
    """The demo units and forms, then count minus five more rows straight into form_instances."""
    load_declarations_demo(store, 2027)
    form = get_form("declaration")
    units = [unit.id for unit in store.units()]
    docs = [(dump_json(doc), dump_amount(headline_amount(form, doc))) for _, _, _, doc in samples(2027)]
    rng = random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows = []
    for i in range(count - len(docs)):
        data, amount = docs[i % len(docs)]
        year = 2020 + i % 10
        when = start + timedelta(minutes=i * 7)
        rows.append(dict(unit_id=units[i % len(units)], form_id=form.id, form_version=form.version, year=year,
                         title=f"{year}年{rng.choice(PLACES)}{rng.choice(WORKS)}（{i + 1}）",
                         status=STATUSES[i % 4], data=data, amount=amount, created_at=when, updated_at=when))
    with store.engine.begin() as conn:
        conn.execute(insert(form_instances), rows)


def commit(widget, char: str) -> None:
    event = QInputMethodEvent("", [])
    event.setCommitString(char)
    QApplication.sendEvent(widget, event)


def main(argv: list[str]) -> int:
    """--db URL: an empty database to fill (e.g. on PostgreSQL); by default a temporary SQLite file."""
    url = argv[argv.index("--db") + 1] if "--db" in argv else None
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from perfdesk.ui.app import create_main_window

    with tempfile.TemporaryDirectory() as folder:
        store = Store(url or f"sqlite:///{folder}/bench.db")
        print(f"database: {store.engine.dialect.name}")
        t = time.perf_counter()
        fill(store, FORMS)
        print(f"inserted {FORMS} forms in {(time.perf_counter() - t) * 1000:.0f} ms")

        t = time.perf_counter()
        forms = store.list_forms()
        list_ms = (time.perf_counter() - t) * 1000
        # The window reads the list in a worker thread: time until it shows, and the longest
        # stretch the GUI thread went without running its event loop meanwhile.
        ticks = [time.perf_counter()]
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start(5)
        t = time.perf_counter()
        window = create_main_window(store)
        window.resize(1280, 800)
        window.show()
        if getattr(window, "is_loading", lambda: False)():  # older windows load synchronously
            loop = QEventLoop()
            window.list_loaded.connect(loop.quit)
            loop.exec()  # an idle event loop, as in the running app
        app.processEvents()
        window_ms = (time.perf_counter() - t) * 1000
        timer.stop()
        stall = max(b - a for a, b in zip(ticks, ticks[1:])) * 1000
        assert window.proxy.rowCount() == len(forms) == FORMS
        print(f"loading the list: store.list_forms() {list_ms:.0f} ms; main window created and list shown "
              f"{window_ms:.0f} ms, longest GUI-thread stall meanwhile {stall:.0f} ms")

        search = window.search_box
        search.setFocus()
        filtered, painted = [], []
        for _ in range(ROUNDS):
            for n in range(1, len(QUERY) + 1):
                t = time.perf_counter()
                commit(search, QUERY[n - 1])  # textChanged -> proxy filter, synchronously
                filtered.append((time.perf_counter() - t) * 1000)
                assert search.text() == QUERY[:n]
                app.processEvents()  # relayout and repaint of the view
                painted.append((time.perf_counter() - t) * 1000)
            shown = window.proxy.rowCount()
            search.clear()
            app.processEvents()
        expected = sum(1 for f in forms if QUERY in f.title)
        assert shown == expected, (shown, expected)
        median = statistics.median(filtered)
        verdict = "达标 OK" if median <= TARGET_MS else "未达标 SLOW"
        print(f"search '{QUERY}' typed into {FORMS} forms ({shown} match): median {median:.1f} ms per keystroke "
              f"until filtered (max {max(filtered):.1f}), {statistics.median(painted):.1f} ms including repaint; "
              f"{len(filtered)} keystrokes (target <= {TARGET_MS:.0f} ms) {verdict}")
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
