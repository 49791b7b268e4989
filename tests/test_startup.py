"""Start-up path: what opening the GUI imports, and opening a database already at head without Alembic.

The imports are checked in fresh interpreters, since this test process has imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perfdesk import cli
from perfdesk.store import Store, StoreError
from perfdesk.store.engine import MIGRATIONS, at_head, head_revision

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("alembic", "sqlalchemy.orm", "perfdesk.cli.verbs_forms", "perfdesk.cli.verbs_packages")


def imported_after(code: str, *modules: str) -> list[str]:
    """Which of `modules` a fresh interpreter has imported after running code."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {list(modules)!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_head_revision_is_the_newest_migration_file():
    files = sorted((MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    assert head_revision() == files[-1].name[:4] == "0008"


def test_cli_and_errors_import_no_area():
    areas = ("sqlalchemy", "perfdesk.store", "perfdesk.app.operations", "perfdesk.domain.formdef", *HEAVY)
    assert imported_after("import perfdesk.cli, perfdesk.errors", *areas) == []


def test_gui_module_imports_neither_alembic_nor_the_orm_nor_the_verbs():
    assert imported_after("import perfdesk.ui.app", *HEAVY) == []


def test_gui_module_imports_no_sqlalchemy_no_form_files_and_no_rules():
    # What the window needs before its first paint; the rest comes once it shows.
    later = ("sqlalchemy", "yaml", "pydantic", "perfdesk.app.operations", "perfdesk.domain.formdef",
             "perfdesk.app.due_dates", "perfdesk.app.monitoring_operations", "perfdesk.store.store",
             "perfdesk.ui.new_form_dialogs")
    assert imported_after("import perfdesk.ui.app", *later) == []


def test_the_window_paints_from_a_first_look_and_then_opens_the_store(tmp_path, demo_templates):
    url = demo_templates.copy("full", tmp_path / "demo.db")  # `perfdesk demo --year 2027`
    with Store(url) as store:
        # the first entry lists the declarations and the ex-ante assessments, newest first
        declarations = [f.title for f in store.list_summaries() if f.form_id in ("declaration", "ex_ante_assessment")]
    code = f"""
import json, sys
from PySide6.QtWidgets import QApplication
from perfdesk.store.first_look import first_look
from perfdesk.ui.app import MainWindow, apply_chinese_font
from perfdesk.catalog.form_files import install
install()  # as the start-up does
app = QApplication([])
apply_chinese_font(app)
opened = []
def open_store():
    from perfdesk.store import Store
    opened.append(1)
    return Store({url!r})
window = MainWindow(first_look=first_look({url!r}, MainWindow.FIRST_KINDS), open_store=open_store)
window.show()
window.repaint()
app.processEvents()
painted = {{"sqlalchemy": "sqlalchemy" in sys.modules, "yaml": "yaml" in sys.modules,
           "pydantic": "pydantic" in sys.modules, "opened": len(opened),
           "titles": [r.title for r in window.listed_records()], "count": window.status_text()}}
assert window.finish_opening()
ready = {{"opened": len(opened), "open": window.store_is_open(), "units": len(window.store.units())}}
window.close()
window.store.close()
print(json.dumps([painted, ready]))
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    painted, ready = json.loads(out.stdout.strip().splitlines()[-1])
    assert painted == {"sqlalchemy": False, "yaml": False, "pydantic": False, "opened": 0, "titles": declarations,
                       "count": f"共 {len(declarations)} 份表单"}
    assert ready == {"opened": 1, "open": True, "units": 3}  # with the demo's county finance bureau


def test_perfdesk_shows_the_window_then_opens_the_store(tmp_path, demo_templates):
    from perfdesk.ui.app import EXIT_AFTER_SHOW, READY_MARK, SHOWN_MARK

    url = demo_templates.copy("full", tmp_path / "demo.db")  # `perfdesk demo --year 2027`
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env[EXIT_AFTER_SHOW] = "1"
    out = subprocess.run([sys.executable, "-m", "perfdesk", "--db", url], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [SHOWN_MARK, READY_MARK]


def test_form_names_read_from_the_top_of_the_files_are_the_parsed_names():
    from perfdesk.domain.registry import FORM_FILES, form_name, get_form

    for form_id in FORM_FILES:
        assert form_name(form_id) == get_form(form_id).name
    assert form_name("declaration") == "预算支出绩效目标申报表"
    assert form_name("no_such_form") is None


def test_a_form_name_written_otherwise_is_read_by_the_full_parser(tmp_path):
    import perfdesk.domain.registry as registry
    from perfdesk.catalog import form_files
    from perfdesk.domain import sources
    from perfdesk.paths import forms_dir

    source = (forms_dir() / "rectification.yaml").read_text(encoding="utf-8")
    quoted = source.replace("\nname: 绩效评价结果整改报告书\n", "\nname: \"绩效评价结果整改报告书（引号）\"\n")
    assert quoted != source
    (tmp_path / "rectification.yaml").write_text(quoted, encoding="utf-8")
    sources.use(form_files.FileCatalog(shipped=tmp_path, user=tmp_path / "no-user-folder"))
    try:
        assert registry.form_name("rectification") == "绩效评价结果整改报告书（引号）"
    finally:
        form_files.install()


def test_opening_a_database_at_head_needs_no_alembic(db_url):
    Store(db_url).close()  # creates and migrates
    code = f"from perfdesk.store import Store\nstore = Store({db_url!r})\nstore.units(); store.list_forms(); store.close()"
    assert imported_after(code, *HEAVY) == []


def test_opening_a_new_or_older_database_still_migrates(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = f"from perfdesk.store import Store\nStore({url!r}).close()"
    assert imported_after(code, "alembic") == ["alembic"]
    with Store(url) as store:
        assert at_head(store.engine)
        from alembic import command
        from alembic.config import Config

        from perfdesk.store.location import MIGRATIONS

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
        assert not at_head(store.engine)
    with Store(url) as store:  # 0002 -> head again
        assert at_head(store.engine)
        store.set_setting("role", "unit")


def test_at_head_is_false_for_anything_but_exactly_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'v.db'}"
    with Store(url) as store:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('0002')")
        assert not at_head(store.engine)  # two rows
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM alembic_version")
        assert not at_head(store.engine)
    with pytest.raises(StoreError):  # no revision recorded but the tables exist: Alembic says so
        Store(url)


def test_newer_database_is_still_refused_by_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.db'}"
    Store(url).close()
    with Store(url) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="请升级 PerfDesk"):
        Store(url)


@pytest.mark.parametrize("argv, db", [
    ([], None), (["--db", "sqlite:///a.db"], "sqlite:///a.db"), (["--db=sqlite:///b.db"], "sqlite:///b.db"),
])
def test_gui_start_skips_the_verbs_parser(monkeypatch, argv, db):
    import perfdesk.ui.app as app

    opened = []
    monkeypatch.setattr(app, "run_gui", lambda url: opened.append(url) or 0)
    monkeypatch.setattr(cli, "_parser", lambda: pytest.fail("the verbs' parser was built"))
    assert cli.main(argv) == 0
    assert opened == [db]


@pytest.mark.parametrize("argv", [["--db"], ["--db", "--help"], ["--bogus"], ["--db", "x", "list"]])
def test_anything_else_goes_through_the_full_parser(monkeypatch, argv):
    built = []
    real = cli._parser
    monkeypatch.setattr(cli, "_parser", lambda: built.append(1) or real())
    import perfdesk.ui.app as app

    monkeypatch.setattr(app, "run_gui", lambda url: pytest.fail("GUI opened"))
    try:
        assert cli.main(argv) != 0  # "--db x list": the verb says the URL is wrong
    except SystemExit:
        pass  # argparse: a usage error, or the help
    assert built == [1]


def test_every_refusal_a_user_may_see_derives_from_one_root():
    from perfdesk.app.operations import OperationError
    from perfdesk.domain.formdef import FormDefinitionError
    from perfdesk.domain.formulas import FormulaError
    from perfdesk.domain.lifecycle import TransitionRefused
    from perfdesk.domain.profiles import ProfileError
    from perfdesk.domain.registry import FormVersionError
    from perfdesk.domain.scoring import ScoringError
    from perfdesk.errors import UserError
    from perfdesk.package.package_errors import PackageError

    roots = (StoreError, OperationError, FormDefinitionError, ProfileError, FormulaError, ScoringError,
             TransitionRefused, FormVersionError, PackageError)
    assert [root.__name__ for root in roots if not issubclass(root, UserError)] == []
