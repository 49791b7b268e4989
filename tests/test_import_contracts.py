"""The import graph is a checked contract: `lint-imports` keeps the layers, the pure domain and the acyclic
siblings written in pyproject.toml ([tool.importlinter]), and no module of perfdesk takes part in an import
circle, counting the imports inside functions (they run too) but not those under `if TYPE_CHECKING:`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> str:
    beside_python = Path(sys.executable).with_name("lint-imports")
    return str(beside_python) if beside_python.exists() else shutil.which("lint-imports") or "lint-imports"


def import_circles(package: str) -> list[list[str]]:
    """Every group of modules that import one another, directly or round a circle (each group sorted)."""
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    # Tarjan's strongly connected components, iteratively (the graph is too deep for recursion to be safe)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            module, next_child = work.pop()
            if next_child == 0:
                index[module] = low[module] = len(index)
                stack.append(module)
                on_stack.add(module)
            children = imports[module]
            if next_child < len(children):
                work.append((module, next_child + 1))
                child = children[next_child]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
    return sorted(groups)


def test_lint_imports_keeps_every_contract():
    out = subprocess.run([_lint_imports(), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_no_module_of_perfdesk_is_in_an_import_circle():
    assert import_circles("perfdesk") == []


def test_a_circle_through_a_function_level_import_is_found(tmp_path, monkeypatch):
    """The finder sees a circle held together by an import inside a function, as the domain's once was,
    and ignores one that only annotations close."""
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "form.py").write_text("def parse():\n    from circled.schema import check\n    return check\n")
    (package / "schema.py").write_text("from circled.form import parse\n\ndef check():\n    return parse\n")
    (package / "typed.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                      "    from circled.hinted import Hint\n")
    (package / "hinted.py").write_text("from circled import typed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_circles("circled") == [["circled.form", "circled.schema"]]
