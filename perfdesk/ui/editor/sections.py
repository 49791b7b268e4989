"""The form's sections in printed order, read from `layout.body` of the form file.

`plan_sections` only walks the layout (which fields and tables, in which order, on which line); the
widgets are made by the callers' factories, so the order on screen — and the Tab order — is the order
on paper without this module knowing any field by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Union

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...domain.formdef import FormDef

BELOW_TITLE = "填报信息"  # the signature line printed under the table
LABEL_WIDTH = 168
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MAX_ON_LINE = 3


@dataclass(frozen=True)
class Line:
    fields: tuple[str, ...]
    min_lines: int = 0


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class TableSlot:
    table: str


Item = Union[Line, Heading, TableSlot]


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]

    def paths(self) -> list[str]:
        out: list[str] = []
        for item in self.items:
            out += list(item.fields) if isinstance(item, Line) else [item.table] if isinstance(item, TableSlot) else []
        return out


def _cell_lines(cell: dict, form: FormDef) -> list[tuple[str, ...]]:
    """The fields a printed cell holds, as lines (a review cell: opinion, then reviewer and date)."""
    if "field" in cell:
        return [(cell["field"],)]
    if "ticks" in cell:
        return [(cell["ticks"],)]
    if "tick_tree" in cell:
        return [(cell["tick_tree"],)] + ([(cell["sub"],)] if cell.get("sub") else [])
    if "review" in cell:
        return [(cell["opinion"],), tuple(k for k in (cell.get("reviewer"), cell.get("date")) if k)]
    if "template" in cell:
        names = tuple(n for n in _PLACEHOLDER.findall(cell["template"]) if n in form.fields)
        return [names] if names else []
    return []


def _row_lines(cells: list[dict], form: FormDef) -> list[Line]:
    per_cell = [(_cell_lines(c, form), int(c.get("min_lines", 0))) for c in cells]
    per_cell = [(lines, n) for lines, n in per_cell if lines]
    flat = [k for lines, _ in per_cell for line in lines for k in line]
    if flat and all(len(lines) == 1 for lines, _ in per_cell) and len(flat) <= _MAX_ON_LINE:
        return [Line(tuple(flat), max(n for _, n in per_cell))]  # as on paper: side by side
    out: list[Line] = []
    for lines, min_lines in per_cell:
        for line in lines:
            step = len(line) if len(line) <= _MAX_ON_LINE else 2
            out += [Line(line[i:i + step], min_lines) for i in range(0, len(line), step)]
    return out


def _walk(rows: list[dict], form: FormDef, seen: set[str]) -> list[Item]:
    items: list[Item] = []
    for row in rows:
        if "group" in row:
            items.append(Heading(row["group"]))
            items += _walk(row.get("rows") or [], form, seen)
            continue
        if row.get("header"):
            continue
        table = row.get("repeat") or row.get("tree") or row.get("indicators")
        if table:
            if table in form.tables and table not in seen:
                seen.add(table)
                items.append(TableSlot(table))
            continue
        cells = row["cells"] if "cells" in row else [row]  # a prose layout puts a field straight in the body
        for line in _row_lines(cells or [], form):
            fresh = tuple(k for k in line.fields if k not in seen)
            seen.update(fresh)
            if fresh:
                items.append(Line(fresh, line.min_lines))
    return items


def plan_sections(form: FormDef) -> list[Section]:
    """Top-level groups of `layout.body` (or, in a prose layout, its first-level headings), then the
    signature fields of `layout.below`; anything the layout does not place is added at the end so no
    field is ever out of reach."""
    seen: set[str] = set()
    sections: list[Section] = []
    title, items = "", []  # the section being collected from a prose layout

    def flush() -> None:
        if title or items:
            sections.append(Section(title or form.name, tuple(items)))

    for node in form.layout.get("body") or []:
        if "group" in node:
            flush()
            title, items = "", []
            sections.append(Section(node["group"], tuple(_walk(node.get("rows") or [], form, seen))))
        elif "heading" in node and int(node.get("level", 1)) <= 1:
            flush()
            title, items = node["heading"], []
        elif "heading" in node:
            items.append(Heading(node["heading"]))
        else:
            items += _walk([node], form, seen)
    flush()
    below = _walk([{"cells": form.layout.get("below") or []}], form, seen)
    missing = [k for k in form.fields if k not in seen] + [t for t in form.tables if t not in seen]
    below += [TableSlot(k) if k in form.tables else Line((k,)) for k in missing]
    if below:
        sections.append(Section(BELOW_TITLE, tuple(below)))
    return sections


# --- widgets ------------------------------------------------------------------------------

MakeField = Callable[[str, int], QWidget]  # (field key, min_lines) → the field's widget
MakeTable = Callable[[str], QWidget]


def field_label(form: FormDef, key: str, first: bool) -> QLabel:
    field = form.fields[key]
    star = '<span style="color:#c62828">*</span>' if field.required else ""
    label = QLabel(f"{field.label}{star}：")
    label.setToolTip(field.help)
    if first:  # the first label of each line lines up with the others and may wrap
        label.setWordWrap(True)
        label.setFixedWidth(LABEL_WIDTH)
    return label


def build_section(form: FormDef, section: Section, make_field: MakeField, make_table: MakeTable,
                  parent: QWidget | None = None) -> QGroupBox:
    box = QGroupBox(section.title, parent)
    box.setObjectName(f"section:{section.title}")
    box.setStyleSheet("QGroupBox { font-weight: bold; font-size: 11pt; }")
    layout = QVBoxLayout(box)
    for item in section.items:
        if isinstance(item, Heading):
            heading = QLabel(item.text)
            heading.setStyleSheet("font-weight: bold; color: #1f4e79; margin-top: 6px;")
            layout.addWidget(heading)
        elif isinstance(item, TableSlot):
            layout.addWidget(make_table(item.table))
        else:
            line = QHBoxLayout()
            for i, key in enumerate(item.fields):
                line.addWidget(field_label(form, key, first=i == 0))
                widget = make_field(key, item.min_lines)
                widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
                line.addWidget(widget, 1)
            layout.addLayout(line)
    return box
