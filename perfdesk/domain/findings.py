"""What a check reports: severity, the field it names, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"      # blocks export
    WARNING = "warning"  # needs a written explanation kept with the form
    HINT = "hint"        # only informs
    RETURNED = "returned"  # a reviewer's reason for returning a field the clerk has not changed yet

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "hint": "提示", "returned": "退回"}[self.value]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    field: str
    label: str
    message: str
    explanation: str = ""

    @property
    def blocks_export(self) -> bool:
        return self.severity is Severity.ERROR

    def line(self) -> str:
        tail = f"（说明：{self.explanation}）" if self.explanation else ""
        return f"[{self.severity.label}] {self.label}：{self.message}{tail}"


# Warnings are explained in the document itself so the explanation travels with the form.
EXPLANATIONS_KEY = "_explanations"
# The finance-only cells a verified review from the finance office wrote, path -> value: a unit's
# document may hold exactly these, and nothing else, in finance-only cells.
FINANCE_CELLS_KEY = "_finance_cells"
# The forms a generated form was made from, by kind: {"declaration": id} or {"monitoring": id}.
SOURCE_KEY = "_source"
# What the checks add to the document they run on: the form's year and the rules' profile.
YEAR_KEY, PROFILE_KEY = "_year", "_profile"
