"""One vocabulary: form ids and roles are written out once, where their constants are defined
(perfdesk/domain/form_kinds.py, the Role enum in perfdesk/domain/lifecycle.py, the key roles beside
TrustRecord in perfdesk/store/records.py); every other module uses the names.

An AST walk over the string constants of perfdesk/**/*.py: a form id anywhere, or a role's code where
the statement around it speaks of a role (a comparison, a setting, a default, argparse choices)."""

from __future__ import annotations

import ast
from pathlib import Path

import perfdesk
from perfdesk.domain import form_kinds
from perfdesk.domain.lifecycle import Role
from perfdesk.store.records import KEY_ROLE_NAMES

PACKAGE = Path(perfdesk.__file__).parent
FORM_IDS = frozenset(form_kinds.SHIPPED)
ROLE_CODES = frozenset(role.value for role in Role) | frozenset(KEY_ROLE_NAMES)
# Where the literals are defined.
FORM_IDS_HOME = {"domain/form_kinds.py"}
ROLES_HOME = {"domain/lifecycle.py", "store/records.py"}
# (file, literal) pairs that are not the vocabulary they look like.
ALLOWED = {
    ("demo/demo_forms.py", "rectification"),  # the 整改报告书's field 整改情况 is keyed "rectification"
}


def _context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str:
    """The text a literal stands in: its simple statement, or the header part of a compound one
    (an if's test, a def's arguments), never a whole function body."""
    child = node
    while not isinstance(parent := parents[child], ast.stmt):
        child = parent
    if hasattr(parent, "body"):  # if / for / while / with / def / class: only the part holding the literal
        return ast.unparse(child)
    return ast.unparse(parent)


def misplaced(relative: str, source: str) -> list[str]:
    """`file:line: literal` for each form id or role code written out where its name should be used."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        value = node.value
        if (relative, value) in ALLOWED:
            continue
        form_id = value in FORM_IDS and relative not in FORM_IDS_HOME
        role = value in ROLE_CODES and relative not in ROLES_HOME and "role" in _context(node, parents).lower()
        if form_id or role:
            found.append((node.lineno, node.col_offset, f"{relative}:{node.lineno}: {value!r}"))
    return [text for _, _, text in sorted(found)]


def test_form_ids_and_roles_are_used_through_their_names():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        found += misplaced(path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8"))
    assert found == [], "use perfdesk.domain.form_kinds / lifecycle.Role / store.records' key roles:\n" + \
        "\n".join(found)


def test_the_walk_finds_what_it_forbids():
    source = '''
ROLES = ("unit", "supervisor", "finance")
def open_editor(store, role="unit"):
    if store.role() == "finance" or get_form("declaration"):
        store.set_setting(SETTING_ROLE, "supervisor")
    parser.add_argument("role", choices=("unit", "finance"))
    return {"unit": {"name": "一中"}, "kind": "project_monitoring"}
'''
    assert [line.split(": ", 1)[1] for line in misplaced("ui/example.py", source)] == [
        "'unit'", "'supervisor'", "'finance'", "'unit'", "'finance'", "'declaration'", "'supervisor'",
        "'unit'", "'finance'", "'project_monitoring'"]


def test_the_allowed_literals_are_still_there():
    """An allow-list entry whose literal has gone is stale: drop it."""
    for relative, value in ALLOWED:
        tree = ast.parse((PACKAGE / relative).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.Constant) and n.value == value for n in ast.walk(tree)), (relative, value)
