"""Excel formulas for the grid's computed cells (合计, 小计, 下达率, 支出进度, score totals).

A formula says the same as the domain's arithmetic: a sum is blank while every part is blank (the PDF
prints a blank 合计 for an empty table, not 0.00), a rate is numerator × 100 / denominator rounded to
two decimals, “—” when the denominator is zero or blank (money.percent)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

MAX_ARGUMENTS = 255  # Excel's limit for one function's arguments


def formula(kind: str, refs: list[tuple[int, int]]) -> str | None:
    """The formula text for ("sum"|"rate", the (row, column) of each part), or None when Excel cannot
    say it in one cell."""
    if kind == "rate":
        numerator, denominator = (_a1(r, c) for r, c in refs)
        return (f'=IF(AND(ISNUMBER({numerator}),N({denominator})<>0),'
                f'ROUND({numerator}*100/{denominator},2),"—")')
    if kind == "sum":
        ranges = _ranges(refs)
        if not ranges or len(ranges) > MAX_ARGUMENTS:
            return None
        listed = ",".join(ranges)
        return f'=IF(COUNT({listed})=0,"",SUM({listed}))'
    return None


def _a1(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _ranges(refs: list[tuple[int, int]]) -> list[str]:
    """Cells as few A1 ranges: runs of consecutive rows in one column become D5:D20."""
    out: list[str] = []
    by_column: dict[int, list[int]] = {}
    for row, col in refs:
        by_column.setdefault(col, []).append(row)
    for col, rows in by_column.items():
        rows.sort()
        start = prev = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            out.append(_a1(start, col) if start == prev else f"{_a1(start, col)}:{_a1(prev, col)}")
            if row is not None:
                start = prev = row
    return out
