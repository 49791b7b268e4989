"""A fillable Excel template of a form: every field and table a unit fills in the editor, in the order
the form file's layout prints them, each value in a yellow unlocked cell with validation for choices,
dates and amounts; the rest protected.

Each sheet row says what it holds in a hidden first column (`field:KEY`, `head:TABLE`, `row:TABLE:N`,
`tree:TABLE:ROW`, `end:TABLE`), so perfdesk.app.xlsx_import reads the file back by those keys, not by
fixed cells: a row the clerk inserts inside a table (it has no key) is one more row of that table, and
under an indicator table's 二级指标 one more indicator of that 二级指标. Repeating tables get blank
rows to fill (TEMPLATE_BLANK_ROWS, under every 二级指标 of an indicator table). A very hidden sheet
holds the form's identity, and the cells as exported (path → cell) for tools."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from perfdesk.domain import dates, layout as L, money
from perfdesk.domain.document import rows
from perfdesk.domain.formdef import FieldDef, FormDef, TableDef

MAP_SHEET = "_perfdesk"
TEMPLATE_KIND = "perfdesk-xlsx-template/2"
TEMPLATE_BLANK_ROWS = 3  # blank rows to fill in each repeating table, and under each 二级指标
INPUT_FILL = PatternFill("solid", start_color="FFFBE6", end_color="FFFBE6")  # pale yellow: type here
_HEAD_FILL = PatternFill("solid", start_color="E8E8E8", end_color="E8E8E8")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
_AMOUNT_FORMAT = "#,##0.00##"
_UNLOCKED = Protection(locked=False)
_FONT = "宋体"
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
LEVELS = ("level1", "level2")
FIRST_COLUMN = 2  # column A holds the row keys, hidden
HOW_TO_ADD = ("需要更多行时：右键点表格中一行的行号，选“插入”（插入整行），在新行中填写；新行插在本表表头之下、"
              "“以上为”一行之上即可，行数不限；指标表中插入的行属于其上方一行的二级指标。"
              "要删去一行，清空它的黄色单元格即可：空行不计。")


@dataclass(frozen=True)
class Part:
    """One item of the template, top to bottom: a section title, a field, or a table."""
    kind: str  # section | field | table
    key: str


def unit_fills(field: FieldDef) -> bool:
    """A value the unit's clerk types in the editor (not the finance office's, not computed)."""
    return not field.finance_only and not field.computed


def shown_columns(table: TableDef) -> list[FieldDef]:
    """The table's columns in the template: an indicator table's 一级/二级 first (as labels)."""
    columns = [c for c in table.columns if unit_fills(c)]
    if table.kind == "indicators":
        levels = [c for c in table.columns if c.key in LEVELS]
        columns = levels + [c for c in columns if c.key not in LEVELS]
    return columns


def template_parts(form: FormDef) -> list[Part]:
    """Sections, fields and tables in the order the layout prints them, so every field the editor has
    is in the template: one the layout does not print in a cell first."""
    known = set(form.fields)
    parts: list[Part] = []
    seen: set[str] = set()

    def add(kind: str, key: str) -> None:
        if key in seen:
            return
        if kind == "field" and not unit_fills(form.fields[key]):
            return
        seen.add(key)
        parts.append(Part(kind, key))

    def lines(node) -> None:
        for line in node.field_lines(known):
            for key in line:
                add("field", key)

    def body(nodes: list) -> None:
        for node in nodes:
            if isinstance(node, L.Group):
                parts.append(Part("section", node.group))
                body(node.rows)
            elif isinstance(node, L.Heading):
                parts.append(Part("section", node.heading))
            elif isinstance(node, L.TableRows):
                add("table", node.table_key())
                for cell in node.cells:
                    if isinstance(cell, L.FieldCell):
                        add("field", cell.field)
            elif isinstance(node, L.Row) and node.header:
                continue
            else:
                for cell in L.cells_of(node) or [node]:
                    lines(cell)

    for line in [*form.layout.cover, *form.layout.above]:
        lines(line)
    body(form.layout.body)
    for line in form.layout.below:
        lines(line)
    # fields the layout prints only in a title (报告类型, 项目名称 of a letter) or not at all lead the form,
    # as in the editor's 基本信息; a table it does not print comes last
    rest = [Part("field", k) for k, f in form.fields.items() if k not in seen and unit_fills(f)]
    rest_tables = [Part("table", k) for k in form.tables if k not in seen]
    parts = ([Part("section", "基本信息"), *rest] if rest else []) + parts
    parts += [Part("section", "其他表格"), *rest_tables] if rest_tables else []
    while parts and parts[-1].kind == "section":  # a title with nothing under it
        parts.pop()
    return parts


def indicator_blocks(table: TableDef, table_rows: list[dict]) -> list[tuple[dict, list[int]]]:
    """(一级/二级 of the block, indexes of the stored rows in it), in the taxonomy's order; rows under
    levels the taxonomy does not know come last, one block each."""
    two = "level2" in {c.key for c in table.columns}
    blocks: list[tuple[dict, list[int]]] = []
    for level1, level2s in table.taxonomy:
        for level2 in (level2s or ("",)) if two else ("",):
            blocks.append(({"level1": level1, "level2": level2} if two else {"level1": level1}, []))
    place = {tuple(b.get(k, "") for k in LEVELS): b for b, _ in blocks}
    for index, row in enumerate(table_rows):
        levels = tuple((row.get(k) or "") if (k == "level1" or two) else "" for k in LEVELS)
        block = place.get(levels)
        if block is None:
            block = {k: v for k, v in zip(LEVELS, levels) if k == "level1" or two}
            place[levels] = block
            blocks.append((block, []))
        next(ids for b, ids in blocks if b is block).append(index)
    return blocks


class _Writer:
    def __init__(self, form: FormDef, doc: dict):
        self.form, self.doc = form, doc
        self.wb = Workbook()
        self.ws = self.wb.active
        self.ws.title = form.name[:31]
        widths = [len(shown_columns(t)) + (t.kind == "tree") for t in form.tables.values()]
        self.width = max([3, *widths])  # data columns from B
        self.row = 1
        self.cells: list[tuple[str, str]] = []  # (coordinate, path) as exported
        self.validations: dict[tuple, DataValidation] = {}

    @property
    def last_column(self) -> int:
        return FIRST_COLUMN + self.width - 1

    def text(self, col: int, value: str, *, bold=False, fill=None, merge_to: int | None = None, size=10.5) -> None:
        cell = self.ws.cell(self.row, col, value)
        cell.font = Font(name=_FONT, size=size, bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if fill is not None:
            cell.fill = fill
        if merge_to and merge_to > col:
            self.ws.merge_cells(start_row=self.row, start_column=col, end_row=self.row, end_column=merge_to)

    def key(self, key: str) -> None:
        self.ws.cell(self.row, 1, key)

    def input(self, col: int, field: FieldDef, path: str, raw, align: str | None = None) -> None:
        cell = self.ws.cell(self.row, col)
        cell.protection = _UNLOCKED
        cell.fill = INPUT_FILL
        cell.border = _BORDER
        cell.font = Font(name=_FONT, size=10.5)
        cell.alignment = Alignment(horizontal=align, wrap_text=True, vertical="center")
        value, number_format = cell_value(field, raw)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # typed text such as “=100%”, not a formula
        if number_format:
            cell.number_format = number_format
        self.cells.append((cell.coordinate, path))
        rule = _validation(field)
        if rule is not None:
            key = (rule.type, rule.formula1, rule.formula2, rule.error)
            self.validations.setdefault(key, rule).add(cell.coordinate)

    def title(self) -> None:
        self.key("title")
        self.text(FIRST_COLUMN, f"{self.form.name}　填报模板", bold=True, size=14, merge_to=self.last_column)
        self.row += 1
        self.text(FIRST_COLUMN, "在黄色单元格中填写：日期如 2027-03-01，金额填数字（万元），选择项从下拉列表中选。"
                  + HOW_TO_ADD, merge_to=self.last_column)
        self.ws.row_dimensions[self.row].height = 48
        self.key("title")
        self.row += 2

    def section(self, title: str) -> None:
        self.key("section")
        self.text(FIRST_COLUMN, title, bold=True, fill=_HEAD_FILL, merge_to=self.last_column)
        self.row += 1

    def field(self, key: str) -> None:
        field = self.form.fields[key]
        self.key(f"field:{key}")
        self.text(FIRST_COLUMN, field.label + ("（必填）" if field.required else ""))
        self.input(FIRST_COLUMN + 1, field, key, self.doc.get(key), "left")  # beside its label, dates too
        if self.last_column > FIRST_COLUMN + 1:
            self.ws.merge_cells(start_row=self.row, start_column=FIRST_COLUMN + 1, end_row=self.row,
                                end_column=self.last_column)
        if field.type == "longtext":
            self.ws.row_dimensions[self.row].height = 60
        self.row += 1

    def table(self, key: str) -> None:
        table = self.form.tables[key]
        columns = shown_columns(table)
        self.key(f"head:{key}")
        labels = (["项目"] if table.kind == "tree" else []) + [c.label for c in columns]
        for offset, label in enumerate(labels):
            self.text(FIRST_COLUMN + offset, label, bold=True, fill=_HEAD_FILL)
        self.row += 1
        if table.kind == "tree":
            self.tree(table, columns)
        elif table.kind == "indicators":
            self.indicators(table, columns)
        else:
            stored = rows(self.doc, table)
            count = table.fixed_rows if table.kind == "fixed" else len(stored) + TEMPLATE_BLANK_ROWS
            for index in range(count):  # a fixed table's rows are its own even where the document lacks them
                own = index < len(stored) or table.kind == "fixed"
                self.table_row(table, columns, index, stored[index] if index < len(stored) else {},
                               index if own else None)
        self.key(f"end:{key}")
        more = "（行数固定）" if table.kind in ("tree", "fixed") else "；需要更多行时在此行之上插入行"
        self.text(FIRST_COLUMN, f"以上为{table.label}{more}", merge_to=self.last_column, size=9)
        self.row += 1

    def table_row(self, table: TableDef, columns: list[FieldDef], position: int, values: dict,
                  stored_index: int | None, levels: dict | None = None) -> None:
        """A row of the table: the stored row `stored_index` (its key says so), or a blank one to fill."""
        self.key(f"row:{table.key}:{stored_index}" if stored_index is not None else f"row:{table.key}")
        for offset, column in enumerate(columns):
            if column.key in LEVELS and table.kind == "indicators":
                self.text(FIRST_COLUMN + offset, (levels or values).get(column.key) or "")
                continue
            raw = values.get(column.key) if stored_index is not None else column.default
            self.input(FIRST_COLUMN + offset, column, f"{table.key}.{position}.{column.key}", raw)
        self.row += 1

    def indicators(self, table: TableDef, columns: list[FieldDef]) -> None:
        """Under each 二级指标 its stored rows, then blank ones to fill."""
        stored = rows(self.doc, table)
        position = 0
        for levels, members in indicator_blocks(table, stored):
            for member in members:
                self.table_row(table, columns, position, stored[member], member)
                position += 1
            for _ in range(TEMPLATE_BLANK_ROWS):
                self.table_row(table, columns, position, {}, None, levels)
                position += 1

    def tree(self, table: TableDef, columns: list[FieldDef]) -> None:
        values = self.doc.get(table.key) or {}
        for tree_row in table.tree:
            self.key(f"tree:{table.key}:{tree_row.key}")
            self.text(FIRST_COLUMN, "　" * tree_row.depth + tree_row.label)
            summed = table.sum_parents and tree_row.children  # the program adds these up
            for offset, column in enumerate(columns, start=1):
                if not summed:
                    path = f"{table.key}.{tree_row.key}.{column.key}"
                    self.input(FIRST_COLUMN + offset, column, path, (values.get(tree_row.key) or {}).get(column.key))
            self.row += 1

    def finish(self, meta: dict[str, str]) -> bytes:
        ws = self.ws
        ws.column_dimensions["A"].hidden = True
        ws.column_dimensions[get_column_letter(FIRST_COLUMN)].width = 26
        for col in range(FIRST_COLUMN + 1, self.last_column + 1):
            ws.column_dimensions[get_column_letter(col)].width = 18
        for rule in self.validations.values():
            ws.add_data_validation(rule)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True  # printed for checking: all columns on the page
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        # Protected without a password: the keys and labels cannot be broken by accident; rows may be
        # inserted and deleted (a table's rows), and a clerk who must can lift the protection.
        ws.protection.sheet = True
        ws.protection.insertRows = ws.protection.deleteRows = False  # False: allowed
        ws.protection.formatRows = ws.protection.formatColumns = ws.protection.formatCells = False
        _map_sheet(self.wb, ws.title, meta, self.cells)
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


def render_template(form: FormDef, doc: dict, meta: dict[str, str]) -> bytes:
    """The workbook's bytes for the stored document `doc` (its values prefilled)."""
    writer = _Writer(form, doc)
    writer.title()
    for part in template_parts(form):
        getattr(writer, part.kind)(part.key)
    return writer.finish(meta)


def cell_value(field: FieldDef, raw) -> tuple[object, str]:
    """What a template cell starts with: the stored value typed for Excel, and its number format."""
    if raw is None or raw == "":
        return None, {"date": DATE_FORMAT, "amount": _AMOUNT_FORMAT, "score": _AMOUNT_FORMAT}.get(field.type, "@")
    if field.type in ("amount", "score"):
        try:
            value = money.parse_amount(str(raw))
        except money.AmountError:
            return str(raw), ""
        if value is not None and len(value.as_tuple().digits) <= 15:  # Excel keeps 15 digits
            return value, _AMOUNT_FORMAT
        return str(raw), "@"
    if field.type == "date":
        try:
            return dates.parse_date(str(raw)), DATE_FORMAT
        except dates.DateError:
            return str(raw), ""
    return str(raw), "@"  # text stays text: a code 010 keeps its 0


def _validation(field: FieldDef) -> DataValidation | None:
    options = list(field.options) or sorted({o for opts in field.options_by.values() for o in opts})
    if field.type in ("choice", "grade", "indicator_kind") and options:
        listed = ",".join(options)
        if len(listed) > 250:  # Excel's limit for a list written into the rule
            return None
        return _rule("list", f'"{listed}"', None, f"请从下拉列表中选择：{'、'.join(options)}")
    if field.type == "date":
        return _rule("date", "DATE(1990,1,1)", "DATE(2100,12,31)", "请填写日期，例如 2027-03-01", "between")
    if field.type in ("amount", "score"):
        unit = "（单位：万元）" if field.type == "amount" else ""
        return _rule("decimal", "0", "999999999999.9999", f"请填写 0 或正数{unit}，整数部分最多 12 位", "between")
    return None


def _rule(kind: str, formula1: str, formula2: str | None, message: str, operator: str | None = None) -> DataValidation:
    return DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True,
                          showErrorMessage=True, errorTitle="输入有误", error=message, showInputMessage=False)


def _map_sheet(wb, sheet_title: str, meta: dict[str, str], cells: list[tuple[str, str]]) -> None:
    ws = wb.create_sheet(MAP_SHEET)
    ws.append(["kind", TEMPLATE_KIND])
    for key, value in meta.items():
        ws.append([key, value])
    ws.append(["sheet", sheet_title])
    for coordinate, path in cells:
        ws.append(["cell", coordinate, path])
    ws.sheet_state = "veryHidden"  # not listed under 取消隐藏: the clerk never meets it
    ws.protection.sheet = True
