"""A long 汇总-like table for the scale tests and benches: the test-local form in tests/forms and a
document of n projects, each named once (项目00001 …) so a reader of the PDF can count them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from perfdesk.catalog.form_reading import load_form
from perfdesk.domain.formdef import FormDef

FORM_FILE = Path(__file__).resolve().parent / "forms" / "project_summary.yaml"
GRADES = ("优", "良", "中", "差")


def summary_form() -> FormDef:
    return load_form(FORM_FILE)


def project_name(i: int) -> str:
    return f"项目{i:05d}"


def summary_doc(n: int) -> dict:
    rows = []
    for i in range(1, n + 1):
        unit = i // 20
        rows.append({
            "supervisor": f"市直主管部门{unit // 25:02d}",
            "unit": f"预算单位{unit:03d}",
            "name": project_name(i) + ("（含设备购置及安装调试）" if i % 7 == 0 else ""),
            "this_year": str(Decimal(i % 997) + Decimal("0.25")),
            "actual": str(Decimal(i % 991)),
            "grade": GRADES[i % 4],
        })
    return {"office": "长治市财政局", "projects": rows}


def summary_context() -> dict:
    return {"region": "长治市", "year": 2027}


def expected_totals(n: int) -> tuple[Decimal, Decimal]:
    doc = summary_doc(n)
    return (sum(Decimal(r["this_year"]) for r in doc["projects"]), sum(Decimal(r["actual"]) for r in doc["projects"]))
