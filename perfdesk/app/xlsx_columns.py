"""Rows of a table (支出明细, 绩效指标, 实施进度计划 …) from any Excel sheet, by choosing which sheet
column holds which table column. Each value is checked as if typed; a refused one is reported by
cell and left out of its row. The chosen columns are remembered per form (in the store's
settings), so next year's sheet of the same layout needs no choosing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import column_index_from_string, get_column_letter

from perfdesk.domain.field_checks import check_value
from perfdesk.domain.findings import Severity
from perfdesk.domain.formdef import FormDef
from perfdesk.domain.registry import form_of
from perfdesk.store import FormRecord, Store
from perfdesk.app.xlsx_cells import CellProblem, cell_text, stored_value
from perfdesk.app.xlsx_import import XlsxImportError, open_workbook, sheet_numbers

SETTING = "column_map/{form_id}/{table}"
_LETTERS = re.compile(r"^[A-Za-z]{1,3}$")


@dataclass
class SheetRows:
    title: str
    rows: list[list[str | None]]  # every row as text, numbers as the file writes them

    def header(self, row: int) -> list[str]:
        return [str(v or "") for v in self.rows[row - 1]] if 0 < row <= len(self.rows) else []


@dataclass
class MappedRows:
    table: str
    rows: list[dict] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def refused(self) -> list[CellProblem]:
        return [p for p in self.problems if p.severity == "error"]


def importable_tables(form: FormDef) -> list[str]:
    """Tables whose rows repeat: the ones a list in Excel can fill."""
    return [t.key for t in form.tables.values() if t.kind in ("rows", "indicators")]


def read_sheets(data: bytes) -> list[SheetRows]:
    wb = open_workbook(data)
    found = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        numbers = sheet_numbers(data, ws.title)
        rows = []
        for row in ws.iter_rows():
            rows.append([cell_text(c.value, numbers.get(c.coordinate)) if hasattr(c, "coordinate") else None for c in row])
        found.append(SheetRows(ws.title, rows))
    return found


def parse_columns(text: str, form: FormDef, table: str) -> dict[str, int]:
    """“name=A,this_year=C” or “支出名称=A” → {column key: sheet column number (1 = A)}."""
    columns = form.tables[table].columns
    by_name = {c.key: c.key for c in columns} | {c.label: c.key for c in columns}
    mapping = {}
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        name, sep, letter = part.partition("=")
        key = by_name.get(name.strip())
        if not sep or key is None or not _LETTERS.match(letter.strip()):
            known = "、".join(f"{c.label}（{c.key}）" for c in columns)
            raise XlsxImportError(f"列对应“{part}”写法不对，应为 栏目=列字母，如 name=A 或 支出名称=A；可用的栏目：{known}")
        mapping[key] = column_index_from_string(letter.strip().upper())
    if not mapping:
        raise XlsxImportError("请指定至少一个列对应，如 name=A,this_year=C")
    return mapping


def map_rows(form: FormDef, table: str, sheet: SheetRows, mapping: dict[str, int], first_row: int) -> MappedRows:
    """The sheet's rows from `first_row` (1-based) on, as rows of `table`; blank sheet rows skipped."""
    table_def = form.tables[table]
    result = MappedRows(table)
    for number in range(first_row, len(sheet.rows) + 1):
        cells = sheet.rows[number - 1]
        row: dict = {c.key: c.default for c in table_def.columns}
        texts = {}
        for key, col in mapping.items():
            texts[key] = cells[col - 1] if col - 1 < len(cells) else None
        if not any(v for v in texts.values()):
            continue
        for key, text in texts.items():
            row[key] = stored_value(table_def.column(key), text, None)
        path_base = f"{table}.{len(result.rows)}"
        for key, text in texts.items():
            column = table_def.column(key)
            if column.finance_only:
                continue
            coordinate = f"{get_column_letter(mapping[key])}{number}"
            label = f"{table_def.label}·{column.label}"
            for finding in check_value(column, row[key], f"{path_base}.{key}", label, row, "unit"):
                if finding.code.startswith("required:"):
                    continue
                severity = "error" if finding.severity is Severity.ERROR else "warning"
                result.problems.append(CellProblem(sheet.title, coordinate, label, finding.message, severity))
                if severity == "error":
                    row[key] = None
        result.rows.append(row)
    return result


def apply_rows(store: Store, record: FormRecord, mapped: MappedRows, *, replace: bool = False,
               keep_good: bool = False) -> FormRecord:
    from perfdesk.app.operations import save_document

    if mapped.refused and not keep_good:
        raise XlsxImportError(f"有 {len(mapped.refused)} 个单元格有误，未保存任何内容。请改正后重新导入，或选择保留正确部分")
    doc = dict(record.data)
    existing = [] if replace else list(doc.get(mapped.table) or [])
    doc[mapped.table] = existing + mapped.rows
    save_document(store, record, doc)
    return store.get_form(record.id)


def remembered(store: Store, form_id: str, table: str) -> tuple[dict[str, int], int] | None:
    saved = store.get_setting(SETTING.format(form_id=form_id, table=table))
    if not isinstance(saved, dict):
        return None
    return {k: int(v) for k, v in (saved.get("columns") or {}).items()}, int(saved.get("first_row") or 2)


def remember(store: Store, form_id: str, table: str, mapping: dict[str, int], first_row: int) -> None:
    store.set_setting(SETTING.format(form_id=form_id, table=table), {"columns": mapping, "first_row": first_row})


def target_table(record: FormRecord, table: str) -> FormDef:
    form = form_of(record)
    if table not in importable_tables(form):
        listed = "、".join(f"{form.tables[t].label}（{t}）" for t in importable_tables(form))
        raise XlsxImportError(f"“{form.name}”没有可按行导入的表格“{table}”；可用的有：{listed}")
    return form
