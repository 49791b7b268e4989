"""What the Excel imports read from a cell: its text as a clerk would have typed it, the value the document
keeps, and the problems found; shared by the template import, its sheet reader and the column import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from perfdesk.domain import dates, money
from perfdesk.store import FormRecord


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str
    label: str
    message: str
    severity: str = "error"  # error: the value was not taken | warning: taken, worth a look

    def line(self) -> str:
        kind = "错误" if self.severity == "error" else "警告"
        return f"[{kind}] 工作表“{self.sheet}” {self.cell}（{self.label}）：{self.message}"


@dataclass
class TemplateImport:
    form_id: str
    meta: dict[str, str]
    doc: dict
    target: FormRecord | None
    values: int = 0
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def refused(self) -> list[CellProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        return (f"读取 {self.values} 个单元格：{len(self.refused)} 个有误未导入，"
                f"{len(self.problems) - len(self.refused)} 个警告")


def cell_text(value, number_text: str | None) -> str | None:
    """A cell's value as the text a clerk would have typed; numbers never through float."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if number_text is None:  # pragma: no cover - a number always has its text in the sheet
            return str(value)
        try:
            return format(Decimal(number_text), "f")
        except InvalidOperation:
            return number_text
    text = str(value)
    return text if text.strip() else None


def stored_value(field_def, text: str | None, before):
    """What the document keeps, as the editor would store it typed: an amount or date normalised,
    and the stored value itself when the cell says the same (62.5 for a stored 62.50)."""
    if text is None:
        return before if before == "" else None
    if text == before:
        return before
    try:
        if field_def.type in ("amount", "score"):
            value = money.parse_amount(text)
            same = before is not None and money.parse_amount(str(before)) == value
            return before if same else money.to_json(value)
        if field_def.type == "date":
            value = dates.parse_date(text)
            same = before is not None and dates.parse_date(str(before)) == value
            return before if same else dates.to_json(value)
    except (money.AmountError, dates.DateError):
        return text  # refused below, by the same parse, with the reason
    return text
