"""Filling an Excel 填报模板 as a clerk does, and saving it again in LibreOffice (the template tests)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal
from pathlib import Path

from perfdesk.cli import main
from perfdesk.domain.checks import blocking
from perfdesk.domain.formdef import FieldDef
from perfdesk.app.operations import check


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out + err


def through_libreoffice(files: list[Path], out_dir: Path, profile: Path) -> dict[Path, Path]:
    """Each file opened and saved again by LibreOffice, all in one soffice call."""
    out_dir.mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out_dir), *map(str, files)], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(profile)})
    converted = {f: out_dir / f.name for f in files}
    assert all(p.exists() for p in converted.values()), list(out_dir.iterdir())
    return converted


# --- what the clerk types ---------------------------------------------------------------------------

def typed_text(column: FieldDef, value, year: int, context: dict, n: int) -> str:
    """What a clerk types in a cell: the sample form's value, or one valid for the field."""
    if value not in (None, ""):
        return str(value)
    kind = column.type
    if kind in ("amount", "score"):
        return "0"
    if kind == "date":
        return f"{year}-06-{10 + n % 18:02d}"
    if kind == "year":
        return str(year)
    if kind == "phone":
        return "0355-2021234"
    if kind in ("choice", "grade", "indicator_kind"):
        options = column.choices(context)
        return "定性" if kind == "indicator_kind" else options[0]
    return f"{column.label}（补充{n}）"


def excel_value(column: FieldDef, text: str):
    """The text as Excel keeps it once typed: a number, a date, or text."""
    if column.type in ("amount", "score"):
        return Decimal(text)
    if column.type == "date":
        return dt.date.fromisoformat(text)
    return text


def sample_form(store, form_id: str):
    """The demo's form of this kind without errors, the one with the most rows."""
    candidates = [store.get_form(f.id) for f in store.list_forms() if f.form_id == form_id]
    clean = [r for r in candidates if not blocking(check(store, r))]
    assert clean, f"the demo has no {form_id} without errors"
    return max(clean, key=lambda r: sum(len(v) for v in r.data.values() if isinstance(v, list)))


def insert_row(ws, at: int) -> None:
    """Right-click → 插入行 above sheet row `at`: cells, merges and row keys below move down."""
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row >= at:
            ws.merged_cells.remove(merged)
            merged.shift(0, 1)
            ws.merged_cells.add(merged)
    ws.insert_rows(at)


def key_row(ws, key: str) -> int:
    """The sheet row whose hidden first column holds `key` (field:…, row:TABLE:N, tree:…, end:…)."""
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
