"""A fillable Excel template of a form: the printed layout, with the cells a unit fills unlocked and
the rest protected, data validation for choices, dates and amounts, and a very hidden sheet that
says which cell holds which value, so perfdesk.xlsx_import can read the file back cell by cell.

Repeating tables get blank rows to fill (TEMPLATE_BLANK_ROWS, and one per empty 二级指标 of an
indicator table, its 一级/二级 recorded as presets)."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain import dates, money
from ..domain.document import rows, value_at
from ..domain.formdef import FieldDef, FormDef
from .grid import TICKED, UNTICKED, Grid
from .xlsx import build_workbook, save_workbook

MAP_SHEET = "_perfdesk"
TEMPLATE_KIND = "perfdesk-xlsx-template/1"
TEMPLATE_BLANK_ROWS = 3  # blank rows added to each repeating table for the clerk to fill
INPUT_FILL = PatternFill("solid", start_color="FFFBE6", end_color="FFFBE6")  # pale yellow: type here
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
_AMOUNT_FORMAT = "#,##0.00##"
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class InputCell:
    coordinate: str  # "D12"
    path: str        # "expense_details.0.this_year"
    option: str = ""  # for a √ column: the option a mark in this cell chooses


def field_at(form: FormDef, path: str) -> FieldDef | None:
    """The field or table column a data path names, or None."""
    head, _, rest = path.partition(".")
    if head in form.fields:
        return form.fields[head] if not rest else None
    table = form.tables.get(head)
    parts = rest.split(".")
    if table is None or len(parts) != 2:
        return None
    try:
        return table.column(parts[1])
    except KeyError:
        return None


def template_document(form: FormDef, doc: dict) -> tuple[dict, dict[str, str]]:
    """The document with blank rows to fill, and the presets of those rows (path → value): the
    一级/二级 of an indicator row the sheet shows as a label, not an input."""
    doc = copy.deepcopy(doc)
    presets: dict[str, str] = {}
    for table in form.tables.values():
        if table.kind == "tree" or table.kind == "fixed":
            continue
        table_rows = rows(doc, table)
        doc[table.key] = table_rows
        if table.taxonomy:
            two_levels = any(l2s for _, l2s in table.taxonomy)
            for level1, level2s in table.taxonomy:
                for level2 in (level2s if two_levels else ("",)):
                    blank = {"level1": level1, "level2": level2} if two_levels else {"level1": level1}
                    presets.update({f"{table.key}.{len(table_rows)}.{k}": v for k, v in blank.items() if v})
                    table_rows.append(dict(blank))
        else:
            for _ in range(TEMPLATE_BLANK_ROWS):
                table_rows.append({})
    return doc, presets


def input_cells(form: FormDef, grid: Grid, row_of: dict[int, int]) -> list[tuple[InputCell, FieldDef]]:
    """The grid's cells a unit fills: a field or column a unit may write, shown as itself, at its
    sheet row (row_of: grid row -> sheet row, build_workbook's)."""
    from openpyxl.utils import get_column_letter

    found = []
    for cell in grid.cells:
        field = field_at(form, cell.path) if cell.path else None
        if field is None or field.finance_only:
            continue
        if "其中：" in cell.text and (TICKED in cell.text or UNTICKED in cell.text):
            continue  # 类型 with its 其中 sub-choice in one cell: two values, filled in the editor
        coordinate = f"{get_column_letter(1 + cell.col)}{row_of[cell.row]}"
        found.append((InputCell(coordinate, cell.path, cell.option), field))
    return found


def render_template(form: FormDef, grid: Grid, doc: dict, meta: dict[str, str], presets: dict[str, str],
                    sheet_title: str) -> bytes:
    """The workbook's bytes. `doc` is the document the grid was built from (template_document)."""
    wb, sheet = build_workbook(grid, sheet_title, whole_rows=True)
    ws = wb.active
    cells = input_cells(form, grid, sheet.row_of)
    validations: dict[tuple, DataValidation] = {}
    for entry, field in cells:
        target = ws[entry.coordinate]
        target.protection = _UNLOCKED
        target.fill = INPUT_FILL
        if entry.option:
            continue  # a √ column keeps its mark
        target.value, number_format = _cell_value(field, value_at(doc, entry.path))
        if isinstance(target.value, str) and target.value.startswith("="):
            target.data_type = "s"  # typed text such as “=100%”, not a formula
        if number_format:
            target.number_format = number_format
        rule = _validation(field)
        if rule is not None:
            key = (rule.type, rule.formula1, rule.formula2, rule.error)
            validations.setdefault(key, rule).add(entry.coordinate)
    for rule in validations.values():
        ws.add_data_validation(rule)
    # Protected without a password: the layout cannot be broken by accident, and a clerk who must
    # change it can still lift the protection (审阅 → 撤销工作表保护).
    ws.protection.sheet = True
    ws.protection.formatRows = ws.protection.formatColumns = False  # False: allowed
    _map_sheet(wb, meta, cells, presets)
    return save_workbook(wb, sheet)


def _cell_value(field: FieldDef, raw) -> tuple[object, str]:
    """What a template cell starts with: the stored value typed for Excel."""
    if raw is None or raw == "":
        return None, DATE_FORMAT if field.type == "date" else ""
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
    rule = DataValidation(type=kind, formula1=formula1, formula2=formula2, operator=operator, allow_blank=True,
                          showErrorMessage=True, errorTitle="输入有误", error=message,
                          showInputMessage=False)
    return rule


def _map_sheet(wb, meta: dict[str, str], cells, presets: dict[str, str]) -> None:
    ws = wb.create_sheet(MAP_SHEET)
    ws.append(["kind", TEMPLATE_KIND])
    for key, value in meta.items():
        ws.append([key, value])
    ws.append(["sheet", wb.active.title])
    ws.append(["cells"])
    for entry, _ in cells:
        ws.append(["cell", entry.coordinate, entry.path, entry.option])
    for path, value in presets.items():
        ws.append(["preset", path, value])
    ws.sheet_state = "veryHidden"  # not listed under 取消隐藏: the clerk never meets it
    ws.protection.sheet = True

