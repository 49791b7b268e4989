"""The Excel round trip: a fillable template of a stored form out, the filled file back in.

Reading back (xlsx_template_reader), every field and table row the sheet's hidden row keys name is
read, rows the clerk inserted too, typed and checked as if typed in the editor (domain.field_checks);
a value that is refused is reported by sheet, cell and field label and not taken. Nothing is saved from a file with refused values unless the clerk asks to
keep the good parts (the form is then saved with them, as a draft would be).

Numbers are read from the sheet's XML text, not openpyxl's float, so 147.535 stays 147.535."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from perfdesk.domain.checks import blocking
from perfdesk.domain.computed import fill_computed
from perfdesk.domain.document import blank_document, headline_amount
from perfdesk.domain.profiles import ProfileError, get_profile
from perfdesk.domain.registry import form_of, get_form
from perfdesk.errors import UserError
from perfdesk.os_errors import explain_os
from perfdesk.render.xlsx_template import MAP_SHEET, TEMPLATE_KIND, render_template
from perfdesk.store import FormRecord, Store
from perfdesk.app.xlsx_cells import TemplateImport
from perfdesk.app.xlsx_template_reader import read_sheet

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class XlsxImportError(UserError):
    """A file that cannot be read as a PerfDesk template at all; nothing was saved."""


# --- the template ----------------------------------------------------------------------------

def template_bytes(store: Store, record: FormRecord) -> bytes:
    form = form_of(record)
    unit = store.get_unit(record.unit_id)
    meta = {"form_id": form.id, "form_version": str(form.version), "form_instance_id": str(record.id),
            "year": str(record.year), "unit_code": unit.code, "title": record.title}
    return render_template(form, record.data, meta)


def export_template(store: Store, form_instance_id: int, target: Path) -> Path:
    """Write the template of a stored form to `target` (.xlsx), whole or not at all."""
    if target.suffix.lower() != ".xlsx":
        raise XlsxImportError(f"模板文件名 {target} 应以 .xlsx 结尾，请改为 {target.with_suffix('.xlsx').name}")
    if target.is_dir():
        raise XlsxImportError(f"输出路径 {target} 是一个文件夹，请给出文件名")
    from perfdesk.app.operations import staged

    payload = template_bytes(store, store.get_form(form_instance_id))
    with staged(target) as out:  # readable like any saved file, put in place only when whole
        out.write(payload)
    return target


# --- reading it back -------------------------------------------------------------------------

def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise XlsxImportError(f"无法读取文件 {path}：{explain_os(exc)}") from exc


def open_workbook(data: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise XlsxImportError("该文件不是有效的 Excel 工作簿（.xlsx）；WPS 或 Excel 中请另存为“Excel 工作簿 (*.xlsx)”后再导入") from exc


def sheet_numbers(data: bytes, sheet_title: str) -> dict[str, str]:
    """Each numeric cell's value as the file writes it ("147.535"), by coordinate."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rel_id = next((s.get(f"{_REL_NS}id") for s in book.iter(f"{_MAIN_NS}sheet") if s.get("name") == sheet_title), None)
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next((r.get("Target") for r in rels.iter(f"{_PKG_REL_NS}Relationship") if r.get("Id") == rel_id), None)
        if target is None:
            return {}
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        numbers = {}
        with archive.open(part) as sheet:
            for _, element in ElementTree.iterparse(sheet):
                if element.tag == f"{_MAIN_NS}c" and element.get("t", "n") == "n":
                    value = element.find(f"{_MAIN_NS}v")
                    if value is not None and value.text:
                        numbers[element.get("r")] = value.text
                    element.clear()
    return numbers


def _template_meta(wb) -> dict[str, str]:
    if MAP_SHEET not in wb.sheetnames:
        raise XlsxImportError("该文件不是 PerfDesk 导出的填报模板（缺少模板信息）。请先用“导出 Excel 填报模板”导出模板，"
                              "填写后再导入；其他表格可用“按列导入”选择各列对应的栏目")
    meta = {}
    for row in wb[MAP_SHEET].iter_rows(values_only=True):
        row = tuple(row) + (None,) * 2  # a file saved again by Excel or openpyxl drops trailing blanks
        if row[0] and row[0] != "cell" and row[1] is not None:
            meta[str(row[0])] = str(row[1])
    if meta.get("kind") != TEMPLATE_KIND:
        raise XlsxImportError(f"该模板的格式（{meta.get('kind')}）不是本版 PerfDesk 的，不能读取：请用“导出 Excel 填报模板”"
                              "重新导出模板，把已填的内容复制到新模板后再导入")
    return meta


def read_template(store: Store, data: bytes, into: int | None = None) -> TemplateImport:
    """Read a filled template; nothing is written. `into`: the stored form to fill (else the
    template's own form, or a new one when that is gone)."""
    wb = open_workbook(data)
    meta = _template_meta(wb)
    form = _template_form(meta)
    sheet_title = meta.get("sheet") or wb.worksheets[0].title
    if sheet_title not in wb.sheetnames:
        raise XlsxImportError(f"找不到工作表“{sheet_title}”：模板的工作表不能改名，请改回原名后再导入")
    target = _target(store, meta, into, form)
    if target is not None and target.form_version != form.version:
        raise XlsxImportError(f"模板按{form.name}第{form.version}版导出，表单“{target.title}”已是第{target.form_version}版："
                              "请重新导出模板后填写")
    base = copy.deepcopy(target.data) if target is not None else blank_document(form)
    result = TemplateImport(form.id, meta, base, target)
    read_sheet(form, wb[sheet_title], sheet_numbers(data, sheet_title), result)
    unit = store.get_unit(target.unit_id) if target is not None else store.unit_by_code(meta.get("unit_code", ""))
    fill_computed(form, result.doc, _profile(unit))  # 得分, 合计, 等次 as the editor works them out
    return result


def _profile(unit):
    try:
        return get_profile(unit.profile) if unit is not None else None
    except (KeyError, ProfileError):
        return None


def _target(store: Store, meta: dict[str, str], into: int | None, form) -> FormRecord | None:
    if into is not None:
        record = store.get_form(into)
        if record.form_id != form.id:
            raise XlsxImportError(f"模板是“{form.name}”，表单 {into}“{record.title}”是“{form_of(record).name}”，"
                                  f"不能导入；请选择同一种表单")
        return record
    source = meta.get("form_instance_id", "")
    if source.isdigit():
        found = [f for f in store.list_forms() if f.id == int(source) and f.form_id == form.id]
        if found:
            return store.get_form(found[0].id)
    return None


def _template_form(meta: dict):
    """The form definition the template was written from: its form id and version."""
    version = str(meta.get("form_version") or "")
    return get_form(meta.get("form_id", ""), int(version) if version.isdigit() else None)


def save_template_import(store: Store, result: TemplateImport, *, keep_good: bool = False) -> FormRecord:
    """Save what was read: refused when any value was refused, unless `keep_good`."""
    if result.refused and not keep_good:
        raise XlsxImportError(f"文件中有 {len(result.refused)} 个单元格有误，未保存任何内容。请在 Excel 中改正后重新导入，"
                              f"或选择“保留正确部分”")
    form = _template_form(result.meta)
    if result.target is not None:
        from perfdesk.app.operations import save_document

        save_document(store, result.target, result.doc)
        return store.get_form(result.target.id)
    unit = store.unit_by_code(result.meta.get("unit_code", ""))
    if unit is None:
        raise XlsxImportError(f"本机没有编码为 {result.meta.get('unit_code')} 的单位，请用 --into 指定要导入的表单")
    year = int(result.meta.get("year") or dt.date.today().year)
    title = str(result.doc.get("project_name") or result.meta.get("title") or f"{year}年度{form.name}")
    return store.create_form(unit_id=unit.id, form_id=form.id, form_version=form.version, year=year,
                             title=title, data=result.doc, amount=headline_amount(form, result.doc))


def remaining_errors(store: Store, record: FormRecord) -> int:
    from perfdesk.app.operations import check

    return len(blocking(check(store, record)))
