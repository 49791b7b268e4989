"""What changed between two versions of a form, field by field, as a reviewer reads it: the part of
the form, the field's label, the old value and the new one as the printed table shows them — inside
the tables too (an indicator row's 指标值, a fund source's 本年预算).

Used where approved goals are adjusted (第十五条): the office sees what the unit changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .document import display, rows
from .formdef import FormDef


@dataclass(frozen=True)
class Change:
    section: str
    label: str
    old: str
    new: str
    path: str

    def line(self) -> str:
        return f"【{self.section}】{self.label}：{self.old or '（空）'} → {self.new or '（空）'}"


def _sections(form: FormDef) -> dict[str, str]:
    """Each field and table key → the name of the layout's top-level group that prints it."""
    found: dict[str, str] = {}

    def walk(node: Any, group: str) -> None:
        if isinstance(node, dict):
            for key in ("field", "table", "opinion", "reviewer", "date"):
                value = node.get(key)
                if isinstance(value, str):
                    found.setdefault(value, group)
            for value in node.values():
                walk(value, group)
        elif isinstance(node, list):
            for item in node:
                walk(item, group)

    for node in (form.layout.get("body") or []):
        walk(node, node.get("group") or form.name if isinstance(node, dict) else form.name)
    return found


def _cell(field, value) -> str:
    return display(field, value).strip()


def diff(form: FormDef, old: dict, new: dict) -> list[Change]:
    """Every shown value that differs, in the form's order (fields, then each table's rows)."""
    sections = _sections(form)
    return list(_changes(form, old, new, sections))


def _changes(form: FormDef, old: dict, new: dict, sections: dict[str, str]) -> Iterator[Change]:
    for key, field in form.fields.items():
        a, b = _cell(field, old.get(key)), _cell(field, new.get(key))
        if a != b:
            yield Change(sections.get(key, form.name), field.label, a, b, key)
    for table in form.tables.values():
        section = sections.get(table.key, table.label)
        if table.kind == "tree":
            before, after = old.get(table.key) or {}, new.get(table.key) or {}
            for row in table.tree:
                for col in table.columns:
                    path = f"{table.key}.{row.key}.{col.key}"
                    a = _cell(col, (before.get(row.key) or {}).get(col.key))
                    b = _cell(col, (after.get(row.key) or {}).get(col.key))
                    if a != b:
                        yield Change(section, form.label_of(path), a, b, path)
            continue
        before, after = rows(old, table), rows(new, table)
        for index in range(max(len(before), len(after))):
            row_a = before[index] if index < len(before) else None
            row_b = after[index] if index < len(after) else None
            if row_a is None or row_b is None:
                kept = row_b if row_a is None else row_a
                text = "；".join(v for c in table.columns if (v := _cell(c, kept.get(c.key))))
                yield Change(section, f"{table.label}第{index + 1}行", "" if row_a is None else text,
                             text if row_a is None else "", f"{table.key}.{index}")
                continue
            for col in table.columns:
                a, b = _cell(col, row_a.get(col.key)), _cell(col, row_b.get(col.key))
                if a != b:
                    path = f"{table.key}.{index}.{col.key}"
                    yield Change(section, form.label_of(path), a, b, path)


def upgrade_diff(old_form: FormDef, new_form: FormDef, old: dict, new: dict) -> list[Change]:
    """What bringing a document from old_form's version to new_form's changes, field by field: every value
    as the new version shows it, then each value left behind in a field the new version no longer has."""
    changes = diff(new_form, old, new)
    seen = {c.path for c in changes}
    gone = f"（第{new_form.version}版无此栏）"
    for change in diff(old_form, old, new):
        if change.path not in seen and not _has_path(new_form, change.path):
            changes.append(Change(change.section, change.label, change.old, gone, change.path))
    return _paired(changes, new_form.version)


def _paired(changes: list[Change], version: int) -> list[Change]:
    """A value that leaves one cell and arrives in another (a rename, a move) as one line: where it goes."""
    out: list[Change] = []
    arrivals = [c for c in changes if not c.old and c.new]
    unpaired = list(arrivals)
    for change in changes:
        if any(change is a for a in arrivals):
            continue  # shown with its departure, or at the end if it has none
        if change.old and (not change.new or change.new.startswith("（第")):
            match = next((a for a in unpaired if a.new == change.old), None)
            if match is not None:
                unpaired.remove(match)
                out.append(Change(change.section, change.label, change.old,
                                  f"移至第{version}版的“{match.label}”", match.path))
                continue
        out.append(change)
    return out + unpaired


def _has_path(form: FormDef, path: str) -> bool:
    head, _, rest = path.partition(".")
    if head in form.fields:
        return True
    table = form.tables.get(head)
    if table is None:
        return False
    column = rest.rpartition(".")[2]
    return any(c.key == column for c in table.columns)
