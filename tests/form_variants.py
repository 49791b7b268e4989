"""Form files a test writes into a folder of its own, as a county or a later release would: YAML only,
derived from the shipped declaration by editing its text."""

from __future__ import annotations

from pathlib import Path

from perfdesk.paths import forms_dir

SHIPPED = (forms_dir() / "declaration.yaml").read_text(encoding="utf-8")

# Version 2 of the declaration: 其他需要说明的情况 becomes 其他说明事项 under a new key, 测算依据及说明
# a column of a new name, and a migration brings version-1 documents over (rename, default, move).
V2_MIGRATIONS = """
migrations:
  - to: 2
    steps:
      - rename: {from: other_notes, to: remarks}
      - rename: {from: expense_details.basis_note, to: expense_details.calc_basis}
      - default: {field: measures_rules, value: 按本单位财务管理制度执行。}
      - move: {from: fund_sources.appropriation.last_year, to: fund_sources.admin_fees.last_year}
"""


def declaration_v2() -> str:
    text = SHIPPED.replace("\nversion: 1\n", "\nversion: 2\n")
    text = text.replace("  other_notes:\n    label: 其他需要说明的情况\n", "  remarks:\n    label: 其他说明事项\n")
    text = text.replace("{text: 其他需要说明的情况, span: 3}", "{text: 其他说明事项, span: 3}")
    text = text.replace("field: other_notes", "field: remarks").replace("basis_note", "calc_basis")
    assert text.count("remarks") == 2 and "other_notes" not in text
    return text + V2_MIGRATIONS


# A county's declaration: one field more (县级立项批复日期) printed in its own row, 其他需要说明的情况
# printed as 需要说明的其他事项, and a check of its own (the approval comes before the project starts).
COUNTY_CHECK = """  - rule: date_order
    code: county_approval_first
    source: 某县预算绩效管理实施细则（县级立项批复在项目起始时间之前）
    severity: error
    start: county_approval_date
    end: start_date
    message: 县级立项批复日期（{start}）晚于项目起始时间（{end}），请核对批复文件。
"""


def county_declaration() -> str:
    text = SHIPPED.replace("  other_notes:\n    label: 其他需要说明的情况\n", "  other_notes:\n    label: 需要说明的其他事项\n")
    text = text.replace("{text: 其他需要说明的情况, span: 3}", "{text: 需要说明的其他事项, span: 3}")
    text = text.replace("\nfields:\n", "\nfields:\n  county_approval_date:\n    label: 县级立项批复日期\n    type: date\n"
                        "    help: 县发展改革部门或县政府批复立项的日期。\n", 1)
    text = text.replace("\nchecks:\n", "\nchecks:\n" + COUNTY_CHECK, 1)
    row = "            - {field: other_notes, span: 20, min_lines: 2}\n"
    text = text.replace(row, row + "        - cells:\n            - {text: 县级立项批复日期, span: 3}\n"
                                   "            - {field: county_approval_date, span: 20}\n", 1)
    assert "其他需要说明的情况" not in text
    return text


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
