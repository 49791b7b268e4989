"""A whole form made in the Excel 填报模板, as a clerk does it: a new form of each kind, its template
exported, every yellow cell filled (in openpyxl, with values valid for the field: dates as dates,
amounts as numbers, 定量 and 定性 indicators, several indicators under one 二级指标, rows inserted
beyond the blank ones), the file saved again by LibreOffice, imported — no error — and the stored
document equal, field by field, to the one the editor's document model holds after the same typing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from perfdesk.domain.checks import blocking
from perfdesk.domain.document import blank_document, rows
from perfdesk.domain.formdef import FieldDef, FormDef
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import all_forms, form_of
from perfdesk.app.operations import check
from perfdesk.render.xlsx_template import FIRST_COLUMN, LEVELS, shown_columns
from perfdesk.app.xlsx_import import export_template

from xlsx_filling import excel_value, insert_row, run, sample_form, through_libreoffice, typed_text

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def qualitative_value(column: FieldDef, row: dict) -> str | None:
    """A qualitative indicator's 指标值 is words, a quantitative one's a figure (quantitative_values);
    a self-evaluation's 指标值 and 实际完成值 a number, or for 定性 the band it reached."""
    if column.key in ("target", "actual") and row.get("nature") and not row.get(column.key):
        if row["nature"] == "定性":
            return "达成：按期完成" if column.key == "actual" else "按期完成"
        return "100"
    if column.key == "value" and row.get("kind") == "定性":
        return "达到预期"
    if column.key == "value" and row.get("kind") == "定量":
        return row.get("value") if row.get("value") and any(ch.isdigit() for ch in row["value"]) else "≥95%"
    return None


@dataclass
class Filled:
    """What was typed, in sheet order, for the editor to type the same."""
    fields: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[tuple[dict, dict[str, str]]]] = field(default_factory=dict)  # (levels, texts)
    trees: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    inserted: dict[str, int] = field(default_factory=dict)


def sheet_parts(ws) -> list[tuple[str, str, int, int]]:
    """(kind, key, first sheet row, last sheet row) for each field and table, from the key column."""
    parts, head = [], None
    for r in range(1, ws.max_row + 1):
        key = str(ws.cell(r, 1).value or "")
        kind, _, name = key.partition(":")
        if kind == "field":
            parts.append(("field", name, r, r))
        elif kind == "head":
            head = (name, r)
        elif kind == "end":
            parts.append(("table", head[0], head[1], r))
    return parts


def fill_template(ws, form: FormDef, source: dict, year: int) -> Filled:
    filled = Filled()
    for kind, key, first, last in reversed(sheet_parts(ws)):  # from the bottom: inserted rows move nothing above
        if kind == "field":
            column = form.fields[key]
            text = typed_text(column, source.get(key), year, {**source, **filled.fields}, first)
            ws.cell(first, FIRST_COLUMN + 1).value = excel_value(column, text)
            filled.fields[key] = text
        elif form.tables[key].kind == "tree":
            fill_tree(ws, form, key, source, first, last, year, filled)
        else:
            fill_rows(ws, form, key, source, first, last, year, filled)
    return filled


def fill_tree(ws, form, key, source, first, last, year, filled: Filled) -> None:
    table = form.tables[key]
    values = source.get(key) or {}
    texts: dict[str, dict[str, str]] = {}
    columns = shown_columns(table)
    values = {k: dict(v or {}) for k, v in values.items()}
    for tree_row in table.tree:  # a parent's figure with its children blank: all in its first child
        for column in columns:
            kids = [values.setdefault(c, {}) for c in tree_row.children]
            given = (values.get(tree_row.key) or {}).get(column.key)
            if kids and given not in (None, "") and all(k.get(column.key) in (None, "") for k in kids):
                kids[0][column.key] = given
    for tree_row in reversed(table.tree):  # children first: a blank parent is the sum of its children
        if table.sum_parents and tree_row.children:
            continue
        cells = {}
        for column in columns:
            given = (values.get(tree_row.key) or {}).get(column.key)
            if given in (None, "") and tree_row.children and column.type == "amount":
                given = format(sum((Decimal(texts[c][column.key]) for c in tree_row.children), Decimal(0)), "f")
            cells[column.key] = typed_text(column, given, year, {}, 0)
        texts[tree_row.key] = cells
    for r in range(first + 1, last):
        row_key = str(ws.cell(r, 1).value).split(":")[2]
        for offset, column in enumerate(columns, start=1):
            if row_key in texts:
                ws.cell(r, FIRST_COLUMN + offset).value = excel_value(column, texts[row_key][column.key])
    filled.trees[key] = texts


def fill_rows(ws, form, key, source, first, last, year, filled: Filled) -> None:
    """Every blank row filled: the sample form's rows first, then rows of the clerk's own, and one
    more than the blank rows (under each 二级指标), inserted below its last row."""
    table = form.tables[key]
    columns = shown_columns(table)
    indicators = table.kind == "indicators"
    slots: list[tuple[dict, list[int]]] = []  # (levels, sheet rows) per 二级指标, or one for the table
    for r in range(first + 1, last):
        levels = {c.key: ws.cell(r, FIRST_COLUMN + i).value or "" for i, c in enumerate(columns)
                  if c.key in LEVELS} if indicators else {}
        if not slots or slots[-1][0] != levels:
            slots.append((levels, []))
        slots[-1][1].append(r)
    sample = rows(source, table)
    plan = []
    for levels, sheet_rows in slots:
        mine = [r for r in sample if not indicators or all((r.get(k) or "") == v for k, v in levels.items())]
        wanted = mine + [{}] * max(len(sheet_rows) - len(mine), 0)
        wanted = wanted[:len(sheet_rows)] if table.kind == "fixed" else wanted + [{}]  # + a row inserted
        plan.append((levels, sheet_rows, [row_texts(columns, levels, row, n, year) for n, row in enumerate(wanted)]))
    if form.computation.get("kind") == "self_evaluation":
        share_points(plan, sample)
    inserted = 0
    for levels, sheet_rows, texts_list in reversed(plan):  # from the bottom: insertions move nothing above
        targets = list(sheet_rows)
        while len(targets) < len(texts_list):
            insert_row(ws, targets[-1] + 1)
            targets.append(targets[-1] + 1)
            inserted += 1
        for r, texts in zip(targets, texts_list):
            for offset, column in enumerate(columns):
                if column.key in texts:
                    ws.cell(r, FIRST_COLUMN + offset).value = excel_value(column, texts[column.key])
    filled.tables[key] = [(levels, texts) for levels, _, texts_list in plan for texts in texts_list]
    filled.inserted[key] = inserted


def row_texts(columns, levels: dict, sample_row: dict, n: int, year: int) -> dict[str, str]:
    texts: dict[str, str] = {}
    for column in columns:
        if column.key in LEVELS and levels:
            continue
        given = sample_row.get(column.key)
        if column.key in ("kind", "nature") and not sample_row:  # both kinds under one 二级指标
            given = ("定量" if column.key == "kind" else "≥") if n % 2 else "定性"
        given = qualitative_value(column, {**sample_row, **texts}) or given
        texts[column.key] = typed_text(column, given, year, {**levels, **sample_row, **texts}, n)
    return texts


def share_points(plan, sample: list[dict]) -> None:
    """A self-evaluation's weights stay whole (产出 50 …): each added indicator gets 0.5 分, taken from
    the sample's first indicator of the same 一级指标."""
    added: dict[str, list[dict]] = {}
    for levels, _, texts_list in plan:
        for texts in texts_list:
            if texts.get("points") == "0":
                added.setdefault(levels.get("level1", ""), []).append(texts)
    for level1, rows_added in added.items():
        donor = next(t for levels, _, texts_list in plan for t in texts_list
                     if levels.get("level1") == level1 and t.get("points") not in (None, "0"))
        donor["points"] = format(Decimal(donor["points"]) - Decimal("0.5") * len(rows_added), "f")
        for texts in rows_added:
            texts["points"] = "0.5"


# --- what the editor stores for the same typing -------------------------------------------------------

def editor_document(form: FormDef, start: dict, filled: Filled, profile) -> dict:
    """The document the editor's model holds after the clerk typed the same values in the editor."""
    from perfdesk.ui.editor.document_model import DocumentModel
    from perfdesk.ui.editor.entries import stored_value

    model = DocumentModel(form, start, profile=profile)
    for key, text in filled.fields.items():
        model.set_value(key, stored_value(form.fields[key], text))
    for key, typed_rows in filled.tables.items():
        table = form.tables[key]
        if table.kind == "fixed":
            for index, (_, texts) in enumerate(typed_rows):
                for column, text in texts.items():
                    model.set_value(f"{key}.{index}.{column}", stored_value(table.column(column), text))
            continue
        for index, (levels, texts) in enumerate(typed_rows):
            model.add_row(key, index, {**{c.key: c.default for c in table.columns}, **levels})
            for column, text in texts.items():
                model.set_value(f"{key}.{index}.{column}", stored_value(table.column(column), text))
    for key, by_row in filled.trees.items():
        table = form.tables[key]
        for row_key, texts in by_row.items():
            for column, text in texts.items():
                model.set_value(f"{key}.{row_key}.{column}", stored_value(table.column(column), text))
    return model.document()


def editor_inputs(form: FormDef) -> set[str]:
    """Every field a unit types in the editor (its sections, read-only ones left out) and every table."""
    from perfdesk.ui.editor.sections import plan_sections

    shown = {path for section in plan_sections(form) for path in section.paths()}
    return {p for p in shown if p in form.tables or not (form.fields[p].finance_only or form.fields[p].computed)}


def differences(form: FormDef, stored: dict, expected: dict) -> list[str]:
    out = []
    for key in sorted(set(stored) | set(expected)):
        if stored.get(key) != expected.get(key):
            out.append(f"{form.id}.{key}: imported {stored.get(key)!r} != editor {expected.get(key)!r}")
    return out


def test_every_kind_filled_completely_through_libreoffice_imports_as_the_editor_stores_it(
        full_demo_store, tmp_path, capsys, qapp):
    store = full_demo_store
    made = {}
    (tmp_path / "in").mkdir()
    for form in all_forms():
        sample = sample_form(store, form.id)
        record = store.create_form(unit_id=sample.unit_id, form_id=form.id, form_version=form.version,
                                   year=sample.year, title=f"模板填写的{form.name}", data=blank_document(form))
        path = export_template(store, record.id, tmp_path / "in" / f"{form.id}.xlsx")
        wb = load_workbook(path)
        ws = wb.worksheets[0]
        filled = fill_template(ws, form, sample.data, sample.year)
        assert set(filled.fields) | set(filled.tables) | set(filled.trees) == editor_inputs(form), form.id
        wb.save(path)
        made[form.id] = (record, filled, path)
    for form_id, (record, filled, _) in made.items():  # rows inserted in every table that takes rows
        tables = form_of(record).tables
        assert all(n > 0 for key, n in filled.inserted.items() if tables[key].kind != "fixed"), (form_id, filled.inserted)
    assert made["declaration"][1].inserted["annual_indicators"] >= 9  # under each of its nine 二级指标

    converted = through_libreoffice([p for _, _, p in made.values()], tmp_path / "out", tmp_path / "lo")

    problems = []
    for form_id, (record, filled, path) in made.items():
        code, out = run(capsys, "import-xlsx", converted[path])
        if code != 0 or "0 个有误未导入，0 个警告" not in out:
            problems.append(f"{form_id}: {out}")
            continue
        assert "表单还有" not in out or blocking(check(store, store.get_form(record.id)))
        saved = store.get_form(record.id)
        left = blocking(check(store, saved))
        problems += [f"{form_id}: {f.label}：{f.message}" for f in left]  # what “表单还有 N 个错误” counts
        unit = store.get_unit(saved.unit_id)
        expected = editor_document(form_of(saved), record.data, filled, get_profile(unit.profile))
        problems += differences(form_of(saved), saved.data, expected)
    assert not problems, "\n".join(problems)
