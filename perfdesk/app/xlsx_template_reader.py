"""Reading a filled template's sheet by the keys in its hidden first column (render/xlsx_template.py).

A field's value is the cell right of its label. A table is the rows between its `head:` and `end:`
rows, in sheet order: a row with a `row:TABLE:N` key starts from the stored row N (its columns the
template does not show, such as the finance office's, are kept), any other row is a new row, as the
editor adds one (each column's default, then what the clerk typed). An indicator row the clerk
inserted belongs to the 一级/二级 of the row above it. Blank rows are not rows. Every value is typed
and checked as if typed in the editor; a refused one is reported by its cell and not taken."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from perfdesk.domain.document import rows
from perfdesk.domain.field_checks import check_value
from perfdesk.domain.findings import Severity
from perfdesk.domain.formdef import FieldDef, FormDef, TableDef
from perfdesk.domain.lifecycle import Role
from perfdesk.render.xlsx_template import FIRST_COLUMN, LEVELS, shown_columns, unit_fills
from perfdesk.app.xlsx_cells import CellProblem, TemplateImport, cell_text, stored_value


@dataclass
class _Read:
    """A value read: where it came from, what was typed, what the document had before."""
    path: str
    coordinate: str
    text: str | None
    field: FieldDef
    before: object
    context: dict  # what the field's options depend on: the document, or the table row


def read_sheet(form: FormDef, ws, numbers: dict[str, str], result: TemplateImport) -> None:
    _Reader(form, ws, numbers, result).read()


class _Reader:
    def __init__(self, form: FormDef, ws, numbers: dict[str, str], result: TemplateImport):
        self.form, self.ws, self.numbers, self.result = form, ws, numbers, result
        self.doc = result.doc
        self.before = copy.deepcopy(result.doc)
        self.read_values: list[_Read] = []

    def text(self, row: int, col: int) -> tuple[str, str | None]:
        coordinate = f"{get_column_letter(col)}{row}"
        return coordinate, cell_text(self.ws[coordinate].value, self.numbers.get(coordinate))

    def read(self) -> None:
        table, block = None, []
        for row in range(1, self.ws.max_row + 1):
            key = self.ws.cell(row, 1).value
            key = str(key) if key is not None else ""
            kind, _, name = key.partition(":")
            if kind == "field" and name in self.form.fields and unit_fills(self.form.fields[name]):
                self.field(row, name)
            elif kind == "head" and name in self.form.tables:
                table, block = self.form.tables[name], []
            elif kind == "end" and table is not None:
                self.table(table, block)
                table = None
            elif table is not None:
                block.append((row, key))
            elif not key:
                self.stray_row(row)
        self.check()

    def stray_row(self, row: int) -> None:
        """A row inserted outside every table (below one's “以上为” line): said, not read."""
        filled = [c for c, t in (self.text(row, col) for col in range(FIRST_COLUMN, self.ws.max_column + 1)) if t]
        if filled:
            self.result.problems.append(CellProblem(self.ws.title, filled[0], "插入的行",
                                                    "这一行不在任何表格中，未导入：表格的行请插在该表“以上为……”"
                                                    "一行之上、表头之下"))

    def field(self, row: int, key: str) -> None:
        field = self.form.fields[key]
        coordinate, text = self.text(row, FIRST_COLUMN + 1)
        before = self.before.get(key)
        self.doc[key] = stored_value(field, text, before)
        self.read_values.append(_Read(key, coordinate, text, field, before, self.doc))

    def table(self, table: TableDef, block: list[tuple[int, str]]) -> None:
        if table.kind == "tree":
            self.tree(table, block)
        else:
            self.rows(table, block)

    def tree(self, table: TableDef, block: list[tuple[int, str]]) -> None:
        values = self.doc.setdefault(table.key, {})
        before = self.before.get(table.key) or {}
        known = {r.key: r for r in table.tree}
        for row, key in block:
            row_key = key.split(":")[2] if key.startswith(f"tree:{table.key}:") else ""
            if row_key not in known:
                self.fixed_row_added(table, row)
                continue
            if table.sum_parents and known[row_key].children:
                continue  # the program adds these up; the template shows no cell
            cells = values.setdefault(row_key, {})
            for offset, column in enumerate(shown_columns(table), start=1):
                coordinate, text = self.text(row, FIRST_COLUMN + offset)
                old = (before.get(row_key) or {}).get(column.key)
                cells[column.key] = stored_value(column, text, old)
                self.read_values.append(_Read(f"{table.key}.{row_key}.{column.key}", coordinate, text, column, old,
                                              cells))

    def rows(self, table: TableDef, block: list[tuple[int, str]]) -> None:
        stored = rows(self.before, table)
        columns = shown_columns(table)
        indicators = table.kind == "indicators"
        used: set[int] = set()
        levels: dict = {}
        found: list[tuple[int | None, dict, list]] = []  # (stored index or None, row, [(column, (cell, text))])
        for row, key in block:
            index = key.split(":")[2] if key.startswith(f"row:{table.key}:") else ""
            own = max(len(stored), table.fixed_rows if table.kind == "fixed" else 0)
            index = int(index) if index.isdigit() and int(index) < own and int(index) not in used else None
            if table.kind == "fixed" and index is None:
                self.fixed_row_added(table, row)
                continue
            used.add(index)
            base = copy.deepcopy(stored[index]) if index is not None and index < len(stored) \
                else {c.key: c.default for c in table.columns}
            texts = {c.key: self.text(row, FIRST_COLUMN + offset) for offset, c in enumerate(columns)}
            if indicators:  # a row inserted under a 二级指标 belongs to it
                shown = {k: texts[k][1] for k in LEVELS if k in texts}
                levels = shown if any(shown.values()) else levels
                base.update(levels)
            entered = [(c, texts[c.key]) for c in columns if c.key not in LEVELS or not indicators]
            if table.kind != "fixed" and all(text in (None, column.default) for column, (_, text) in entered):
                continue  # a blank row (or one the clerk emptied): not a row of the form
            found.append((index, base, entered))
        if indicators:
            found = _editor_order(table, found)
        for position, (index, base, entered) in enumerate(found):
            for column, (coordinate, text) in entered:
                if text is None and column.key not in base:
                    continue  # a column the stored row never had stays absent
                old = base.get(column.key) if index is not None else column.default
                # a new row's cell left empty keeps the column's default, as in a row the editor adds
                base[column.key] = column.default if text is None and index is None else stored_value(column, text, old)
                self.read_values.append(_Read(f"{table.key}.{position}.{column.key}", coordinate, text, column, old,
                                              base))
        self.doc[table.key] = [base for _, base, _ in found]

    def fixed_row_added(self, table: TableDef, row: int) -> None:
        """A row inserted into a table of fixed rows: said, not read."""
        texts = [self.text(row, FIRST_COLUMN + offset) for offset in range(len(shown_columns(table)) + 1)]
        filled = [c for c, t in texts if t is not None]
        if filled:
            self.result.problems.append(CellProblem(self.ws.title, filled[0], table.label,
                                                    f"{table.label}的行数固定，不能增加行；插入的这一行未导入，"
                                                    "请把内容填到表中原有的行"))

    def check(self) -> None:
        role = Role.UNIT
        for item in self.read_values:
            self.result.values += 1
            label = self.form.label_of(item.path)
            for finding in check_value(item.field, item.text, item.path, label, item.context, role):
                if finding.code.startswith("required:"):
                    continue  # an empty cell is the form's business: its checks say what is missing
                severity = "error" if finding.severity is Severity.ERROR else "warning"
                self.result.problems.append(CellProblem(self.ws.title, item.coordinate, label, finding.message,
                                                        severity))
                if severity == "error":  # not taken: the value before stays
                    _put(self.doc, item.path, item.before)


def _put(doc: dict, path: str, value) -> None:
    head, _, rest = path.partition(".")
    if not rest:
        doc[head] = value
        return
    key, column = rest.split(".")
    holder = doc[head][int(key)] if isinstance(doc.get(head), list) else doc[head][key]
    holder[column] = value


def _editor_order(table: TableDef, found: list) -> list:
    """The stored rows in their stored order, each new one put where the editor's 添加指标 puts a row
    of its 二级指标: after the last row of the same or an earlier 二级指标 (indicator_tables._insert_at)."""
    two = "level2" in {c.key for c in table.columns}
    order = [(l1, l2) for l1, l2s in table.taxonomy for l2 in (l2s if two else ("",))]

    def rank(row: dict) -> int:
        levels = (row.get("level1") or "", (row.get("level2") or "") if two else "")
        return order.index(levels) if levels in order else len(order)

    placed = sorted((item for item in found if item[0] is not None), key=lambda item: item[0])
    for item in (item for item in found if item[0] is None):
        after = [i for i, other in enumerate(placed) if rank(other[1]) <= rank(item[1])]
        placed.insert(after[-1] + 1 if after else 0, item)
    return placed
