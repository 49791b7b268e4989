"""The form's sections in printed order, read from the form file's layout.

`plan_sections` only walks the layout (which fields and tables, in which order, on which line); the
widgets are made by the callers' factories, so the order on screen — and the Tab order — is the order
on paper without this module knowing any field by name. It walks the form's typed layout
(domain/layout.py): grouped tables (申报表, 监控表), a cover page and full-width heading rows (评价报告),
prose with heading / field / paragraph nodes (报告, 函), and the lines above and below the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from perfdesk.domain import layout as L
from perfdesk.domain.formdef import FormDef

BELOW_TITLE = "填报信息"  # the signature line printed under the table
COVER_TITLE = "封面"
BASICS_TITLE = "基本信息"  # fields the layout prints only in titles (报告类型, 项目名称 of a letter)
LABEL_WIDTH = 168
PROSE_MIN_LINES = 6
_MAX_ON_LINE = 3
_TRAILING = "；;。.：: "


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


@dataclass(frozen=True)
class Computed:
    """A printed cell computed from the document: `kind` is total, grade or consequence."""
    kind: str
    label: str
    cell: L.TotalCell | L.GradeCell | L.ConsequenceCell


Item = Union[Line, Heading, TableSlot, Computed]


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Item, ...]

    def paths(self) -> list[str]:
        out: list[str] = []
        for item in self.items:
            out += list(item.fields) if isinstance(item, Line) else [item.table] if isinstance(item, TableSlot) else []
        return out


def _row_lines(cells: list, known: set[str]) -> list[Line]:
    per_cell = [(c.field_lines(known), getattr(c, "min_lines", None) or 0) for c in cells]
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


def _computed(cells: list) -> list[Computed]:
    """综合得分, 评价等次, 结果应用: named by the row's first text cell."""
    label = next((c.text.strip() for c in cells if isinstance(c, L.TextCell) and c.text.strip("* ")), "")
    return [Computed(c.kind, label, c) for c in cells if isinstance(c, L.ComputedCell)]


def _explained_by(form: FormDef) -> dict[str, list[str]]:
    """table → fields its checks ask to explain a finding in (资金执行偏差说明 after the fund table)."""
    out: dict[str, list[str]] = {}
    for spec in form.checks:
        field, table = spec.get("explanation_field"), spec.get("table")
        if field in form.fields and table:
            out.setdefault(table, []).append(field)
    return out


def _lines(entries: list, known: set[str], seen: set[str], together: bool = False) -> list[Item]:
    """The fields of the cover's lines or the lines above the table, each line on its own; the
    lines below the table `together`, as one printed row (the signature line)."""
    items: list[Item] = []
    for group in [entries] if together else [[e] for e in entries]:
        for line in _row_lines(group, known):
            fresh = tuple(k for k in line.fields if k not in seen)
            seen.update(fresh)
            if fresh:
                items.append(Line(fresh, line.min_lines))
    return items


def _walk(rows: list, form: FormDef, seen: set[str], prose: bool = False) -> list[Item]:
    known = set(form.fields)
    items: list[Item] = []
    for row in rows:
        match row:
            case L.Group():
                items.append(Heading(row.group))
                items += _walk(row.rows, form, seen)
                continue
            case L.Row(header=True):
                continue
            case L.RepeatRows() | L.TreeRows() | L.IndicatorRows():
                table = row.table_key()
                if table not in seen:
                    seen.add(table)
                    items.append(TableSlot(table))
                    # a field printed beside the table's rows (自评表 分值, 得分), shown right after it
                    beside = [c.field for c in row.cells if isinstance(c, L.FieldCell)]
                    for key in beside + _explained_by(form).get(table, []):
                        if key not in seen:
                            seen.add(key)
                            items.append(Line((key,)))
                continue
        cells = L.cells_of(row) or [row]  # a prose layout puts a field straight in the body
        for line in _row_lines(cells, known):
            fresh = tuple(k for k in line.fields if k not in seen)
            seen.update(fresh)
            if fresh:
                wide = prose and isinstance(row, L.FieldParagraph) and form.fields[fresh[0]].type == "longtext"
                items.append(Line(fresh, max(line.min_lines, PROSE_MIN_LINES) if wide else line.min_lines))
        items += _computed(cells)
    return items


def _heading_row(node, columns: int) -> tuple[str, int] | None:
    """(text, level) of a heading node, or of a row that is one full-width text cell (一、项目基本概况)."""
    if isinstance(node, L.Heading):
        return node.heading, node.level
    cells = L.cells_of(node) if isinstance(node, L.Row) else []
    if len(cells) == 1 and isinstance(cells[0], L.TextCell) and cells[0].rowspan == 1 and cells[0].span >= columns > 0:
        text = cells[0].text.strip()
        return (text, 2 if text.startswith("（") else 1) if text else None
    return None


def _first_label(form: FormDef, items: list[Item]) -> str:
    for item in items:
        if isinstance(item, Line):
            return form.fields[item.fields[0]].label
        if isinstance(item, TableSlot):
            return form.tables[item.table].label
    return form.name


def plan_sections(form: FormDef, exclude: tuple[str, ...] = ()) -> list[Section]:
    """The cover (if any); the top-level groups of `layout.body` and the parts its first-level headings
    open; the signature fields of `layout.below`. Fields the layout prints only in a title or `above`
    the table lead the form; anything else the layout does not place is added at the end, so no field
    is ever out of reach. `exclude` names fields the window shows elsewhere (the period)."""
    layout = form.layout
    prose, columns = layout.prose, layout.columns
    seen: set[str] = set(exclude)
    cover = _lines(layout.cover, set(form.fields), seen)
    sections: list[Section] = []
    untitled: list[bool] = []
    title, items, by_heading = "", [], False  # the section being collected

    def flush() -> None:
        if title or items:
            untitled.append(not title)
            sections.append(Section(title or (form.name if not sections else _first_label(form, items)),
                                    tuple(items)))

    for node in layout.body:
        heading = _heading_row(node, columns)
        if isinstance(node, L.Group):
            rows = _walk(node.rows, form, seen)
            if by_heading:  # a group inside a part opened by a heading (评价报告 三、)
                items += [Heading(node.group)] + rows
            else:
                flush()
                title, items = "", []
                untitled.append(False)
                sections.append(Section(node.group, tuple(rows)))
        elif heading is not None and heading[1] <= 1:
            flush()
            title, items, by_heading = heading[0], [], True
        elif heading is not None:
            items.append(Heading(heading[0]))
        else:
            items += _walk([node], form, seen, prose)
    flush()

    # Fields only in `above` or in titles: first, in the form's first part or a part of their own.
    leading = _lines(layout.above, set(form.fields), seen)
    below = _lines(layout.below, set(form.fields), seen, together=True)
    missing = [k for k in form.fields if k not in seen]
    leading += [Line((k,)) for k in missing if form.fields[k].type != "longtext"]
    below += [Line((k,)) for k in missing if form.fields[k].type == "longtext"]
    below += [TableSlot(t) for t in form.tables if t not in seen]
    if leading and sections and untitled[0]:
        sections[0] = Section(sections[0].title, tuple(leading) + sections[0].items)
    elif leading:
        sections.insert(0, Section(BASICS_TITLE, tuple(leading)))
    if cover:
        sections.insert(0, Section(COVER_TITLE, tuple(cover)))
    if below:
        sections.append(Section(BELOW_TITLE, tuple(below)))
    return sections


# --- widgets ------------------------------------------------------------------------------

MakeField = Callable[[str, int], QWidget]  # (field key, min_lines) → the field's widget
MakeTable = Callable[[str], QWidget]
MakeComputed = Callable[[Computed], QWidget]


def _same_words(heading: str | None, label: str) -> bool:
    return heading is not None and heading.strip().rstrip(_TRAILING) == label.strip().rstrip(_TRAILING)


def field_label(form: FormDef, key: str, first: bool) -> QLabel:
    field = form.fields[key]
    star = '<span style="color:#c62828">*</span>' if field.required else ""
    label = QLabel(f"{field.label}{star}：")
    label.setToolTip(field.help)
    if first:  # the first label of each line lines up with the others and may wrap
        label.setWordWrap(True)
        label.setFixedWidth(LABEL_WIDTH)
    return label


def _heading_label(text: str) -> QLabel:
    heading = QLabel(text)
    heading.setStyleSheet("font-weight: bold; color: #1f4e79; margin-top: 6px;")
    return heading


def build_section(form: FormDef, section: Section, make_field: MakeField, make_table: MakeTable,
                  parent: QWidget | None = None, make_computed: MakeComputed | None = None) -> QGroupBox:
    """One part of the form; a field right under a heading of the same words (a report's paragraph)
    takes the full width without repeating its label."""
    box = QGroupBox(section.title, parent)
    box.setObjectName(f"section:{section.title}")
    box.setStyleSheet("QGroupBox { font-weight: bold; font-size: 11pt; }")
    layout = QVBoxLayout(box)
    heading_text: str | None = section.title
    for item in section.items:
        under, heading_text = heading_text, None
        if isinstance(item, Heading):
            layout.addWidget(_heading_label(item.text))
            heading_text = item.text
        elif isinstance(item, TableSlot):
            label = form.tables[item.table].label
            if under is None or label not in under:  # say which table, unless the heading just did
                layout.addWidget(_heading_label(label))
            layout.addWidget(make_table(item.table))
        elif isinstance(item, Computed):
            if make_computed is not None:
                layout.addWidget(make_computed(item))
        elif len(item.fields) == 1 and _same_words(under, form.fields[item.fields[0]].label):
            widget = make_field(item.fields[0], item.min_lines)
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
            layout.addWidget(widget)
        else:
            line = QHBoxLayout()
            for i, key in enumerate(item.fields):
                line.addWidget(field_label(form, key, first=i == 0))
                widget = make_field(key, item.min_lines)
                widget.setSizePolicy(QSizePolicy.Policy.Expanding, widget.sizePolicy().verticalPolicy())
                line.addWidget(widget, 1)
            layout.addLayout(line)
    return box
