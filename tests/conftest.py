"""Shared fixtures: every test runs offscreen, on its own temporary database, with the demo data."""

from __future__ import annotations

import copy
import os
import shutil
import sys
import tempfile
import weakref
from pathlib import Path


def offscreen_screen(width: int, height: int) -> str:
    """QT_QPA_PLATFORM for Qt's offscreen platform with one screen of width × height pixels (tests/screens)."""
    return f"offscreen:configfile={Path(__file__).resolve().parent / 'screens' / f'{width}x{height}.json'}"


# Offscreen, on a 1920×1080 desktop screen (Qt's offscreen default, 800×600, is smaller than most windows
# wish to be, and windows open clipped to their screen). test_gui_screen_fit.py runs on a 1366×768 one.
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = offscreen_screen(1920, 1080)

# The user's own form variants (platformdirs' data folder, PERFDESK_FORMS) never reach the tests:
# a test that wants variants writes them into a folder of its own.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="perfdesk-test-data-")
os.environ.pop("PERFDESK_FORMS", None)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

from perfdesk.catalog.form_files import install as install_catalog  # noqa: E402

install_catalog()  # what the start-up (perfdesk.cli.main) does

DEMO_YEAR = 2027


# With PERFDESK_TEST_PG_URL (an SQLAlchemy URL of a PostgreSQL database whose user may create
# databases; `.ci/with_postgres` sets one up) the tests of these modules run on SQLite and on
# PostgreSQL, each PostgreSQL test on a new database of its own. Tests marked sqlite_only stay on SQLite.
PG_URL = os.environ.get("PERFDESK_TEST_PG_URL")
BOTH_BACKENDS = {
    "test_store", "test_store_packages", "test_settings", "test_store_conflict", "test_db_copy",
    "test_package_roundtrip", "test_package_identity", "test_package_hostile", "test_package_tamper",
    "test_package_atomic", "test_gui_workflows", "test_monitoring", "test_cli", "test_summary", "test_summary_store",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the test inspects the SQLite file itself")


def pytest_terminal_summary(terminalreporter):
    # The CI log says how many tests ran on the PostgreSQL server, and how they ended.
    if not PG_URL:
        return
    counts: dict[str, int] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if "[postgresql" in getattr(report, "nodeid", "") and report.when in ("call", "setup"):
                if outcome == "passed" and report.when == "setup":
                    continue
                counts[outcome] = counts.get(outcome, 0) + 1
    from sqlalchemy.engine import make_url

    shown = make_url(PG_URL).render_as_string(hide_password=True)
    if not counts:
        return
    said = "，".join(f"{n} {what}" for what, n in sorted(counts.items()))
    terminalreporter.write_line(f"PostgreSQL ({shown}): {said}")


def pytest_generate_tests(metafunc):
    if "db_backend" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rpartition(".")[2]
    both = PG_URL and module in BOTH_BACKENDS and not metafunc.definition.get_closest_marker("sqlite_only")
    metafunc.parametrize("db_backend", ["sqlite", "postgresql"] if both else ["sqlite"], scope="function")


@pytest.fixture(autouse=True)
def settings_dir(tmp_path):
    """QSettings (remembered folders, column widths, column mappings) in a temporary folder for every test:
    the clerk's real settings are never read or written."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def new_db_url(db_backend, tmp_path):
    """A factory of empty databases on this test's backend: new_db_url("office") -> URL."""
    from pg_databases import PgDatabases

    pg = PgDatabases(PG_URL) if db_backend == "postgresql" else None
    made: list[str] = []

    def make(name: str = "perfdesk") -> str:
        if pg is None:
            return f"sqlite:///{tmp_path / (name + '.db')}"
        made.append(pg.create())
        return made[-1]

    yield make
    if pg is not None:
        pg.drop_all()


@pytest.fixture
def db_url(new_db_url, monkeypatch) -> str:
    url = new_db_url("perfdesk")
    monkeypatch.setenv("PERFDESK_DB", url)
    return url


@pytest.fixture
def store(db_url):
    from perfdesk.store import Store

    s = Store(db_url)
    yield s
    s.close()


def build_demo(store, name: str):
    """Write the demo variant `name` into an empty store: "declarations" (load_declarations_demo of DEMO_YEAR),
    "full" (`perfdesk demo --year DEMO_YEAR`: load_demo), "office YYYY-MM-DD" (`perfdesk demo --office` on
    that day: load_office_demo) or "round YEAR UNITS PROJECTS" (load_round, whose Round it returns)."""
    if name == "declarations":
        from perfdesk.demo.demo_forms import load_declarations_demo

        load_declarations_demo(store, DEMO_YEAR)
    elif name == "full":
        from perfdesk.demo.demo_forms import load_demo

        load_demo(store, DEMO_YEAR)
    elif name.startswith("office "):
        import datetime as dt

        from perfdesk.demo.demo_office import load_office_demo

        with store.atomic():
            load_office_demo(store, dt.date.fromisoformat(name.removeprefix("office ")))
    elif name.startswith("round "):
        from perfdesk.demo.demo_round import load_round

        year, units, projects = map(int, name.split()[1:])
        return load_round(store, year, units=units, projects=projects)
    else:
        raise ValueError(f"no demo variant {name!r}")


class DemoTemplates:
    """Each demo variant built once per session into an SQLite file of its own, then copied for every test that
    asks: a copy holds the same ids, settings and rows as a fresh build (the demo keeps no key files or QSettings
    outside the database; each test has its own settings folder, see settings_dir)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._built: dict[str, Path] = {}
        self._made: dict[str, object] = {}
        self._loaded: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store → the variant copied into it

    def template(self, name: str) -> Path:
        """The closed SQLite file holding the demo variant `name` (see build_demo), built on first use."""
        if name not in self._built:
            from perfdesk.store import Store

            path = self._folder / f"{name.replace(' ', '-')}.db"
            with Store(f"sqlite:///{path}") as store:
                self._made[name] = build_demo(store, name)
            self._built[name] = path
        return self._built[name]

    def made(self, name: str):
        """What building the demo variant `name` returned (load_round's Round: ids the same in every copy)."""
        self.template(name)
        return self._made[name]

    def copy(self, name: str, target: Path) -> str:
        """A copy of the demo variant `name` as the SQLite file `target` (none there yet); returns its URL."""
        shutil.copyfile(self.template(name), target)
        return f"sqlite:///{target}"

    def load(self, store, name: str):
        """Fill the test's new, empty store with the demo variant `name`; returns the same store."""
        from perfdesk.store.copy import copy_database
        from perfdesk.store.location import sqlite_file

        if store in self._loaded:  # a copy replaces the database: two demos cannot be layered this way
            pytest.fail(f"the test asks for two demo databases at once ({self._loaded[store]}, {name}); ask for one")
        self._loaded[store] = name
        template = self.template(name)
        target = sqlite_file(store.url)
        if target is None:  # PostgreSQL: the product's own `perfdesk db copy`, row for row with ids and sequences
            copy_database(f"sqlite:///{template}", store.url)
            return store
        store.close()  # every connection gone; the engine reconnects, to the copy, on next use
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return store


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory) -> DemoTemplates:
    return DemoTemplates(tmp_path_factory.mktemp("demo-templates"))


# Session-scoped, so built before any test's own fixtures (a monkeypatch, a form variant) could touch them.
@pytest.fixture(scope="session")
def declarations_template(demo_templates) -> Path:
    return demo_templates.template("declarations")


@pytest.fixture(scope="session")
def full_template(demo_templates) -> Path:
    return demo_templates.template("full")


@pytest.fixture
def demo_store(store, demo_templates, declarations_template):
    """The demo's units and declarations (5 forms: four of 2027, one of 2026)."""
    return demo_templates.load(store, "declarations")


@pytest.fixture
def full_demo_store(store, demo_templates, full_template):
    """Everything `perfdesk demo` writes: declarations, the monitoring round, the evaluation round."""
    return demo_templates.load(store, "full")


@pytest.fixture
def office_demo_store(store, demo_templates):
    """Everything `perfdesk demo --office` writes today: the finance office, its register, its round, the forms."""
    import datetime as dt

    return demo_templates.load(store, f"office {dt.date.today().isoformat()}")


@pytest.fixture
def form():
    from perfdesk.domain.registry import get_form

    return get_form("declaration")


@pytest.fixture
def big_doc():
    """The 60-indicator demo declaration."""
    from perfdesk.demo.demo_forms import samples

    return copy.deepcopy(samples(DEMO_YEAR)[1][3])


def put_status(store, form_instance_id: int, status) -> None:
    """Set a stored form's status directly, as a test's starting point (the lifecycle's moves are
    tested in test_lifecycle.py; here only where a form stands matters)."""
    from sqlalchemy import update

    from perfdesk.domain.lifecycle import Status
    from perfdesk.store.tables import form_instances

    with store.engine.begin() as conn:  # Core, so the same on SQLite and PostgreSQL
        conn.execute(update(form_instances).where(form_instances.c.id == form_instance_id)
                     .values(status=Status(status).value))


@pytest.fixture
def open_editor(qtbot, store):
    """open_editor(form, **options): a form editor shown on a form of this test's store (its id, or its title),
    focused unless focus=False. At the end the editors still open are closed (saving) while the store is still
    open. open_editor.opened lists them, the first opened first."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from perfdesk.ui.editor import FormEditor

    opened: list[FormEditor] = []

    def open_(form: int | str, *, focus: bool = True, **options) -> FormEditor:
        if isinstance(form, str):
            form = next(f.id for f in store.list_forms() if f.title == form)
        editor = FormEditor(store, form, **options)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        if focus:
            editor.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
        opened.append(editor)
        return editor

    open_.opened = opened
    yield open_
    for editor in opened:
        if shiboken6.isValid(editor) and editor.isVisible():
            editor.close()


@pytest.fixture
def window(qtbot, store):
    """The main window on this test's store, shown, its list loaded (a test or a module's `window(demo_store,
    window)` asks for the demo first, so that the window opens on it). At the end its editors are closed and its
    background work is waited for."""
    from gui_support import settle
    from perfdesk.ui.app import create_main_window

    win = create_main_window(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield settle(win)
    for editor in list(win.editors.values()):
        editor.close()
    for job in (getattr(win, "batch", None), getattr(win, "batch_print", None)):
        if job is not None:
            job.wait()
