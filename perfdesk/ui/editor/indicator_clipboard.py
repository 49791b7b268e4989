"""Copy and paste in the indicator tables, whose rows are grouped under 一级/二级 headings.

A block pasted from Excel or WPS lands one of two ways, as a clerk would expect:

- It carries the levels (its first cell is an 一级 name such as 产出指标, or the table's heading
  row 一级指标 / 二级指标 comes first): it is a piece of the printed table, so its cells follow the
  printed columns (一级, 二级, 指标内容, 指标值, 备注, …). A level cell left blank takes the one
  above it, as merged cells copy. Each row goes under its own 一级/二级: an indicator already there
  with the same 指标内容 is updated, else an empty row of that group is filled, else a row is added at
  the group's end. Where the cursor is does not matter.
  Its columns may follow the screen instead (指标内容, 定量/定性, 指标值, …, as the editor copies them):
  a heading row says which, else the layout whose cells read without error (定量/定性 in that column, an
  amount in an amount column, the required 指标值 filled) is taken, the printed one when both read.
- It carries no levels: it lands as on screen, from the current cell rightwards and down through the
  rows of the current group, adding rows at the group's end when the block runs past it (from a
  二级 heading: into the group's empty rows, then new ones). A block from 指标内容 onwards laid out as
  the printed table (no 定量/定性 column) is recognised the same way.

A “√” column takes any mark (√, ✓, 是, 1 …) or the option's own name; every other value goes in as if
typed (an amount or score normalised, a bad one kept as typed and shown red), and the whole paste is
one undo step. Copying a block gives tab-separated text as the screen shows it; a block that includes
指标内容 is copied with its 一级/二级 in front, so it pastes back (or into Excel) whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from perfdesk.ui.editor.entries import entry_error, stored_value
from perfdesk.ui.editor.table_clipboard import parse_tsv, to_tsv

TICK = "√"
LEVEL_SUFFIX = "指标"  # “产出” is taken for 产出指标, as clerks often shorten it


@dataclass
class PasteReport:
    rows: int = 0          # indicator rows written to
    added: int = 0         # of which new
    skipped: int = 0       # values with nowhere to go (past the last column, a computed cell)
    invalid: list[str] = dataclass_field(default_factory=list)  # where a value cannot be read, and why

    def note(self) -> str:
        if not self.rows:
            return "剪贴板中没有可粘贴的内容" if not self.skipped else f"粘贴时有 {self.skipped} 个值未写入"
        parts = [f"已粘贴 {self.rows} 行指标" + (f"（新增 {self.added} 行）" if self.added else "")]
        if self.skipped:
            parts.append(f"有 {self.skipped} 个值未写入：超出表格，或是自动计算、由财政部门填写的单元格")
        if self.invalid:
            shown = "；".join(self.invalid[:3]) + ("……" if len(self.invalid) > 3 else "")
            parts.append(f"{len(self.invalid)} 个值有误（已标红，按原样保留，请改正）：{shown}")
        return "。".join(parts) + "。"


# --- copy ------------------------------------------------------------------------------------------

def copy_block(part) -> str:
    """The selected cells of the indicator rows as tab-separated text, also put on the clipboard."""
    selected: dict[int, set[int]] = {}  # document row → tree columns
    for index in part.tree.selectionModel().selectedIndexes():
        row = part.row_of(part.tree.itemFromIndex(index))
        if row is not None:
            selected.setdefault(row, set()).add(index.column())
    current = part.tree.currentItem()
    if not selected and part.row_of(current) is not None:
        selected[part.row_of(current)] = {max(part.tree.currentColumn(), 0)}
    if not selected:
        return ""
    columns = sorted(set().union(*selected.values()))
    whole = 0 in columns  # 指标内容 is in it: levels first, then the columns as shown
    rows = part.doc.rows(part.table.key)
    block = []
    for index in sorted(selected, key=part.visual_rank):
        leaf = part.leaf(index)
        levels = [rows[index].get(k) or "" for k in part.levels] if whole else []
        block.append(levels + [cell_text(part, leaf, c) for c in columns])
    text = to_tsv(block)
    QGuiApplication.clipboard().setText(text)
    return text


def cell_text(part, leaf, column: int) -> str:
    if part.options[column]:
        return TICK if leaf.checkState(column) == Qt.CheckState.Checked else ""
    return leaf.text(column)


# --- paste -----------------------------------------------------------------------------------------

def paste_block(part, text: str) -> PasteReport:
    report = PasteReport()
    block = parse_tsv(text)
    if not block or part.doc.read_only:
        return report
    heading: list[str] = []
    while block and _is_heading_row(part, block[0]):  # the sheet's heading rows (two in a monitoring table)
        heading, block = block[0], block[1:]
    if not block:
        return report
    stack = part.doc.undo_stack
    stack.beginMacro(f"粘贴到{part.table.label}")
    try:
        if _carries_levels(part, block):
            _paste_grouped(part, block, _layout(part, block, heading, len(part.levels), printed_first=True), report)
        else:
            _paste_at_cursor(part, block, heading, report)
    finally:
        stack.endMacro()
    return report


def _known_level1(part) -> list[str]:
    field = part.table.column(part.levels[0])
    names = [l1 for l1, _ in part.table.taxonomy] + list(field.options or [])
    return names + [l1 for l1, _ in part.groups() if l1 not in names]


def _match(text: str, names: list[str]) -> str | None:
    text = text.strip()
    for name in names:
        if text == name or (text and text + LEVEL_SUFFIX == name):
            return name
    return None


def _is_heading_row(part, cells: list[str]) -> bool:
    """Whether a row holds only the table's headings (一级指标, 指标值, 确定能 …), as a sheet's top rows do."""
    from perfdesk.ui.editor.headers import short_header

    names = {c.label for c in part.table.columns} | {o for o in part.options if o}
    for column in range(len(part.columns)):
        names |= {part.header_text(column), short_header(part.header_text(column))}
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(c in names or c.replace("\n", "") in names for c in filled) \
        and _match(filled[0], _known_level1(part) if part.levels else []) is None


def _carries_levels(part, block: list[list[str]]) -> bool:
    return bool(part.levels) and _match(block[0][0], _known_level1(part)) is not None


def _layout(part, block: list[list[str]], heading: list[str], skip: int, *, printed_first: bool) -> list[int]:
    """The tree columns of the block's cells after the first `skip` (its levels): as its heading row names
    them, else as the printed table or the screen lays them out, whichever reads with fewer misfits (the
    first of the two when both read alike)."""
    named = _named_by_heading(part, heading[skip:])
    if named:
        return named
    screen, printed = list(range(len(part.columns))), part.printed_order()
    layouts = (printed, screen) if printed_first else (screen, printed)
    return min(layouts, key=lambda order: _misfits(part, block, skip, order))


def _named_by_heading(part, heading: list[str]) -> list[int] | None:
    """The columns a heading row names, each heading one column; None when any is not a column's heading."""
    from perfdesk.ui.editor.headers import short_header

    texts = [" ".join(h.split()) for h in heading]
    if not any(texts):
        return None
    order: list[int] = []
    for text in texts:
        found = [c for c in range(len(part.columns)) if not part.options[c] and text and text in
                 (part.header_text(c), short_header(part.header_text(c)), part.table.column(part.columns[c]).label)]
        if len(found) != 1 or found[0] in order:
            return None
        order.append(found[0])
    return order


def _misfits(part, block: list[list[str]], skip: int, order: list[int]) -> int:
    """How many cells would not read in these columns: a choice not among its options, another column's
    choice (定量 as a 指标值), an amount or date that is none, a required column left empty."""
    choices = {o for c in set(order) if not part.options[c] for o in part.table.column(part.columns[c]).choices()}
    count = 0
    for cells in block:
        values = cells[skip:]
        if not any(v.strip() for v in values):
            continue
        for column, text in zip(order, (v.strip() for v in values)):
            if part.options[column]:
                continue
            field = part.table.column(part.columns[column])
            own = field.choices()
            if not text:
                count += field.required
            elif (own and text not in own) or (not own and text in choices) \
                    or entry_error(field, stored_value(field, text)):
                count += 1
    return count


def _paste_grouped(part, block: list[list[str]], order: list[int], report: PasteReport) -> None:
    known = _known_level1(part)
    two = len(part.levels) == 2
    level1 = level2 = ""
    used: set[int] = set()
    for cells in block:
        if not any(c.strip() for c in cells):
            continue
        given1 = cells[0].strip()
        if given1:
            new1 = _match(given1, known) or given1  # an unknown name is kept; the checks name it
            if new1 != level1:
                level2 = ""
            level1 = new1
        if two:
            given2 = cells[1].strip() if len(cells) > 1 else ""
            if given2:
                seconds = [l2 for l1, l2s in part.table.taxonomy if l1 == level1 for l2 in l2s]
                level2 = _match(given2, seconds) or given2
        values = cells[len(part.levels):]
        if not any(v.strip() for v in values):  # a 二级 printed without indicators: its levels only
            continue
        report.skipped += sum(1 for v in values[len(order):] if v.strip())  # past the last column
        placed = dict(zip(order, values))
        target = _grouped_target(part, (level1, level2 if two else ""), placed, used, report)
        used.add(target)
        _write_row(part, target, placed, report)


def _grouped_target(part, group, placed: dict[int, str], used: set[int], report: PasteReport) -> int:
    """The row a grouped pasted row goes to: same 指标内容 in the group, an empty row, or a new one."""
    rows = part.doc.rows(part.table.key)
    members = [i for i in part.members(group) if i not in used]
    content = (placed.get(0) or "").strip()
    same = [i for i in members if content and (rows[i].get(part.columns[0]) or "").strip() == content]
    empty = [i for i in members if _is_empty(part, rows[i])]
    if same or empty:
        return (same or empty)[0]
    at = _add_row(part, group, report)
    shifted = {u + 1 if u >= at else u for u in used}
    used.clear()
    used.update(shifted)
    return at


def _paste_at_cursor(part, block: list[list[str]], heading: list[str], report: PasteReport) -> None:
    item = part.tree.currentItem()
    row = part.row_of(item)
    left = max(part.tree.currentColumn(), 0) if item is not None else 0
    # From 指标内容 on: the block may be laid out as printed (no 定量/定性 column), else as on screen.
    order = _layout(part, block, heading, 0, printed_first=False) if left == 0 else list(range(left, len(part.columns)))
    group = part.group_of(row) if row is not None else part.chosen_levels()
    members = part.members(group)
    if row is not None:  # from this row down through its group
        targets = members[members.index(row):]
    else:  # from a heading: the group's empty rows, then new ones
        targets = [i for i in members if _is_empty(part, part.doc.rows(part.table.key)[i])]
    for r, cells in enumerate(block):
        target = targets[r] if r < len(targets) else _add_row(part, group, report)
        placed = {}
        for c, value in enumerate(cells):
            if c < len(order):
                placed[order[c]] = value
            elif value.strip():
                report.skipped += 1
        _write_row(part, target, placed, report)


def _is_empty(part, row: dict) -> bool:
    """A row nothing was typed into yet (添加指标 leaves one): only defaults and its levels."""
    return all(row.get(c.key) in (None, "", c.default) for c in part.table.columns if c.key not in part.levels)


def _add_row(part, group, report: PasteReport) -> int:
    at = part._insert_at(group)
    row = {c.key: c.default for c in part.table.columns}
    row.update(dict(zip(part.levels, group)))
    part.doc.add_row(part.table.key, at, row)
    report.added += 1
    return at


def _write_row(part, index: int, placed: dict[int, str], report: PasteReport) -> None:
    """Each value as if typed into its cell; the “√” columns of one choice decided together."""
    key = part.table.key
    ticks: dict[str, list[tuple[str, str]]] = {}
    for column, text in sorted(placed.items()):
        name, option = part.columns[column], part.options[column]
        if option:
            ticks.setdefault(name, []).append((option, text.strip()))
            continue
        if not part.editable(name):
            report.skipped += 1 if text.strip() else 0
            continue
        field = part.table.column(name)
        value = stored_value(field, text.strip("\r\n ") or None)
        part.doc.set_value(f"{key}.{index}.{name}", value)
        error = entry_error(field, value)
        if error:
            report.invalid.append(f"{part.doc.form.label_of(f'{key}.{index}.{name}')}：{error}")
    for name, marks in ticks.items():
        options = part.table.column(name).choices()
        chosen = next((text for _, text in marks if text in options), None) \
            or next((option for option, text in marks if text), None)
        covers_all = {option for option, _ in marks} >= set(options)
        if chosen is not None:
            part.doc.set_value(f"{key}.{index}.{name}", chosen)
        elif covers_all:  # every “√” column pasted, none marked: no choice
            part.doc.set_value(f"{key}.{index}.{name}", None)
    report.rows += 1
