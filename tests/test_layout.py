"""The package's layout shows its architecture: no two modules share a name, few loose modules at the top,
and importing `perfdesk` installs nothing and loads neither the database layer nor Qt."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "perfdesk"
LOOSE = {"__init__.py", "__main__.py", "errors.py", "paths.py", "os_errors.py", "display.py", "console.py", "selftest.py"}


def _modules() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")
            and "versions" not in p.relative_to(PACKAGE).parts[:-1]]


def test_no_two_modules_share_a_name():
    counts = Counter(p.name for p in _modules())
    shared = sorted(str(p.relative_to(PACKAGE)) for p in _modules() if counts[p.name] > 1)
    assert shared == []


def test_only_small_helpers_are_loose_at_the_top():
    assert {p.name for p in PACKAGE.glob("*.py")} == LOOSE


def test_importing_perfdesk_installs_no_catalog_and_loads_no_sqlalchemy_nor_qt():
    code = ("import sys, perfdesk\nfrom perfdesk.domain import sources\n"
            "print(sources.installed(), any(m.split('.')[0] in ('sqlalchemy', 'PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=PACKAGE.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


MAIN_WINDOW_PARTS = ("main_window", "main_sections", "main_list", "main_actions", "new_form_flows", "form_actions",
                     "package_actions")


def test_the_main_window_is_split_by_screen_area_into_parts_that_do_not_import_it_back():
    import grimp

    graph = grimp.build_graph("perfdesk", cache_dir=None, exclude_type_checking_imports=True)
    importers = graph.find_modules_that_directly_import("perfdesk.ui.main_window")
    assert importers <= {"perfdesk.ui.app"}  # the window is assembled at start-up, by nothing it holds
    lengths = {part: len((PACKAGE / "ui" / f"{part}.py").read_text(encoding="utf-8").splitlines())
               for part in MAIN_WINDOW_PARTS}
    assert max(lengths.values()) < 500, lengths
