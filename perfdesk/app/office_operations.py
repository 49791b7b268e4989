"""The finance office's desk as the CLI and the GUI both use it: the register of units from an XLSX
list, a round defined and sent down, the 报送情况 matrix and the 催报 list printed through the
form engines (render/pdf, render/xlsx)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from perfdesk.domain.registry import form_name
from perfdesk.domain.tasks import UNIT_COLUMNS, Board, ChaseItem, TaskError, UnitEntry, chase_list, unit_entry
from perfdesk.errors import UserError
from perfdesk.os_errors import explain_os
from perfdesk.store import Store
from perfdesk.store.office import OfficeStore, TaskRecord, board_for


class DeskError(UserError):
    """Bad input to the office's desk, said in Chinese."""


# --- the register of units from a spreadsheet ----------------------------------------------------

@dataclass
class UnitsImport:
    entries: list[UnitEntry] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (sheet row, reason)
    added: int = 0
    updated: int = 0

    def lines(self) -> list[str]:
        return [f"第 {row} 行：{reason}" for row, reason in self.bad]

    def summary(self) -> str:
        return (f"单位名册：新增 {self.added} 个，更新 {self.updated} 个；"
                f"有误 {len(self.bad)} 行未导入" + ("（见上）" if self.bad else ""))


_HEADER_NAMES = {name: key for key, name in UNIT_COLUMNS.items()} | {"主管部门": "supervisor_name"}


def read_units_xlsx(data: bytes) -> UnitsImport:
    """Every row of the first sheet under a header row naming the columns (单位编码, 单位名称,
    主管部门编码, 主管部门名称, 联系人, 联系电话, in any order): good rows as entries, bad rows with
    their row number and reason. A code listed twice is refused on its second row."""
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise DeskError("该文件不是有效的 Excel 工作簿（.xlsx）；WPS 或 Excel 中请另存为“Excel 工作簿 (*.xlsx)”") from exc
    result, columns, seen = UnitsImport(), None, {}
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        texts = ["" if v is None else str(v).strip() for v in row]
        if columns is None:
            found = {i: _HEADER_NAMES[t] for i, t in enumerate(texts) if t in _HEADER_NAMES}
            if {"code", "name", "supervisor_code", "supervisor_name"} <= set(found.values()):
                columns = found
            continue
        if not any(texts):
            continue
        values = {key: texts[i] if i < len(texts) else "" for i, key in columns.items()}
        try:
            entry = unit_entry(values)
        except TaskError as exc:
            result.bad.append((number, str(exc)))
            continue
        if entry.code in seen:
            result.bad.append((number, f"单位编码 {entry.code} 与第 {seen[entry.code]} 行重复，请删去一行"))
            continue
        seen[entry.code] = number
        result.entries.append(entry)
    if columns is None:
        names = "、".join(list(UNIT_COLUMNS.values())[:4])
        raise DeskError(f"第一个工作表中没有找到标题行：应有“{names}”几列（联系人、联系电话可选）")
    return result


def import_units(store: Store, path: Path) -> UnitsImport:
    """Read the list and write its good rows in one transaction (nothing half-written)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DeskError(f"无法读取文件 {path}：{explain_os(exc)}") from exc
    result = read_units_xlsx(data)
    if result.entries:
        result.added, result.updated = OfficeStore(store).import_units(result.entries)
    return result


# --- the 催报 list ---------------------------------------------------------------------------

CHASE_HEADERS = ("序号", "主管部门", "单位名称", "单位编码", "联系人", "联系电话", "未报表单", "逾期天数")
_CHASE_SPANS = (2, 6, 8, 3, 3, 5, 14, 3)  # in grid columns of 6 mm: 264 mm across landscape A4
_CHASE_WHAT = {None: "尚有表单未报送或被退回待重报", "未报": "尚有表单未报送或被退回待重报",
               "逾期": "有表单逾期未报（已过报送期限，未报送或被退回待重报）"}


def chase_items(store: Store, task: TaskRecord, today: dt.date,
                which: str | None = None) -> tuple[Board, list[ChaseItem]]:
    """The units to chase: those the 报送情况 shows under the filter `which` (None: all) that have
    something not handed in."""
    office = OfficeStore(store)
    board = board_for(office, task, today)
    missing = [row.unit.code for row in board.rows() if any(not c.handed_in for c in row.cells.values())]
    return board, chase_list(board, office.last_contacts(missing), which)


def chase_grid(task: TaskRecord, items: list[ChaseItem], today: dt.date, which: str | None = None):
    """The 催报 list as a printed grid (landscape A4), drawn by the same engines as the forms; under
    the 逾期 filter it lists only what is overdue, and says so."""
    from perfdesk.render.grid import Cell, Grid

    grid = Grid(columns=sum(_CHASE_SPANS), column_mm=6.0, orientation="landscape",
                title=f"{task.year}年度{task.title}催报名单", subtitle="",
                above=[(f"统计日期：{today.year}年{today.month}月{today.day}日", "left"),
                       (f"下发单位：{task.office_name}", "right")],
                below=[(f"共 {len(items)} 个单位{_CHASE_WHAT.get(which, _CHASE_WHAT[None])}。", "left")])
    lefts = [sum(_CHASE_SPANS[:i]) for i in range(len(_CHASE_SPANS))]

    def row(r: int, texts: list[str], role: str) -> None:
        for col, text in enumerate(texts):
            grid.cells.append(Cell(row=r, col=lefts[col], colspan=_CHASE_SPANS[col], text=text, role=role,
                                   align="center" if role == "label" or col in (0, 3, 7) else "left"))

    row(0, list(CHASE_HEADERS), "label")
    for i, item in enumerate(items, 1):
        missing = "、".join(form_name(k) or k for k in item.missing)
        overdue = f"{item.days_overdue}" if item.days_overdue else "未到期"
        row(i, [str(i), item.unit.supervisor_name, item.unit.name, item.unit.code, item.contact, item.phone,
                missing, overdue], "value")
    grid.n_rows = len(items) + 1
    grid.headers = [()] + [(0,)] * len(items)
    grid.is_header = [True] + [False] * len(items)
    return grid


def write_chase(store: Store, task: TaskRecord, today: dt.date, *, pdf: Path | None, xlsx: Path | None,
                which: str | None = None) -> int:
    """Write the 催报 list of the units shown under the filter `which` as PDF and/or XLSX, each whole or
    not at all; the number of units listed."""
    from perfdesk.app.operations import write_outputs
    from perfdesk.render.pdf import render_pdf
    from perfdesk.render.xlsx import render_xlsx

    _, items = chase_items(store, task, today, which)
    grid = chase_grid(task, items, today, which)
    write_outputs(pdf, xlsx, make_pdf=lambda: render_pdf(grid), make_xlsx=lambda: render_xlsx(grid, "催报名单"))
    return len(items)


# --- rounds ------------------------------------------------------------------------------------

def office_unit(store: Store):
    """This office's own unit (see OfficeStore.own_unit)."""
    own = OfficeStore(store).own_unit()
    if own is None:
        raise DeskError("本机尚未设置本单位（财政部门）：请先在“单位设置”中填写，或运行 perfdesk identity create")
    return own


def _chosen_units(office: OfficeStore, spec: str) -> list[str]:
    register = office.units()
    if not register:
        raise DeskError("单位名册为空：请先用 perfdesk units import 单位清单.xlsx 导入所辖单位")
    if spec.strip() in ("", "all"):
        return [u.code for u in register]
    known = {u.code for u in register}
    codes: list[str] = []
    for item in (s.strip() for s in spec.split(",") if s.strip()):
        if item.startswith("@"):
            under = [u.code for u in register if u.supervisor_code == item[1:]]
            if not under:
                raise DeskError(f"名册中没有主管部门编码为 {item[1:]} 的单位")
            codes += under
        elif item in known:
            codes.append(item)
        else:
            raise DeskError(f"单位编码 {item} 不在单位名册中：请先导入名册，或改正编码")
    return list(dict.fromkeys(codes))


def _round(store: Store, *, year: int, kinds: list[str], title: str, units: str, deadlines: dict, rules: dict,
           issued: dt.date):
    """A round's checked parts: the office, its title, its units' codes and every kind's deadline."""
    from perfdesk.domain.profiles import get_profile
    from perfdesk.domain.tasks import round_deadlines

    if not 2000 <= year <= 2199:
        raise DeskError(f"年度“{year}”无效，应为四位年份，如 {dt.date.today().year}")
    if not kinds:
        raise DeskError("请用 --kinds 指定要报送的表单，如 declaration,project_monitoring")
    unknown = [k for k in kinds if form_name(k) is None]
    if unknown:
        raise DeskError(f"没有表单“{'、'.join(unknown)}”：表单编号如 declaration（绩效目标申报表）、project_monitoring（项目监控表）、project_self_evaluation（项目自评表），见 README")
    extra = (set(deadlines) | set(rules)) - set(kinds)
    if extra:
        raise DeskError(f"--deadline/--rule 中的表单“{'、'.join(sorted(extra))}”不在 --kinds 中")
    title = title.strip()
    if not title or len(title) > 200:
        raise DeskError("任务名称（--title）不能为空，不超过 200 字")
    own = office_unit(store)
    codes = _chosen_units(OfficeStore(store), units)
    due = round_deadlines(kinds, year, issued, get_profile(own.profile), deadlines, rules,
                          {k: form_name(k) or k for k in kinds})
    return own, title, codes, due


def create_task(store: Store, *, year: int, kinds: list[str], title: str, note: str, units: str,
                deadlines: dict, rules: dict, issued: dt.date) -> TaskRecord:
    """A new round: its kinds' deadlines (given, by a named rule, or the profile's), its units."""
    import uuid

    own, title, codes, due = _round(store, year=year, kinds=kinds, title=title, units=units, deadlines=deadlines,
                                    rules=rules, issued=issued)
    return OfficeStore(store).add_task(uid=str(uuid.uuid4()), year=year, title=title, note=note.strip(),
                                       office_code=own.code, office_name=own.name, issued_on=issued, deadlines=due,
                                       unit_codes=codes)


def _exported_key(task: TaskRecord) -> str:
    return f"task_exported:{task.uid}"


def exported_version(store: Store, task: TaskRecord) -> int:
    """The latest version of the round written as a task package here (0: never sent)."""
    return int(store.get_setting(_exported_key(task)) or 0)


def change_task(store: Store, task_id: int, *, year: int, kinds: list[str], title: str, note: str, units: str,
                deadlines: dict, rules: dict, issued: dt.date) -> TaskRecord:
    """The round changed as create_task would make it. Before it is sent it stays the same version;
    once sent, a change is its next version, which the units take in place of the one they have."""
    office = OfficeStore(store)
    task = office.task(task_id)
    _, title, codes, due = _round(store, year=year, kinds=kinds, title=title, units=units, deadlines=deadlines,
                                  rules=rules, issued=issued)
    return office.change_task(task_id, new_version=exported_version(store, task) >= task.version, year=year,
                              title=title, note=note.strip(), issued_on=issued, deadlines=due, unit_codes=codes)


def export_task(store: Store, task_id: int, signer, path: Path) -> TaskRecord:
    """Write the round as a task package signed by `signer`, and remember which version was sent."""
    from perfdesk.package.builder import write_package
    from perfdesk.package.task_packages import build_task_package

    task = OfficeStore(store).task(task_id)
    if task.origin != "own":
        raise DeskError(f"任务“{task.title}”是{task.office_name}下发给本机的，不能再导出为任务包")
    write_package(path, build_task_package(task, signer).data)
    store.set_setting(_exported_key(task), task.version)
    return task


def chosen_task(store: Store, task_id: int | None) -> TaskRecord:
    """The round asked for, or this office's latest one."""
    office = OfficeStore(store)
    if task_id is not None:
        return office.task(task_id)
    own = office.tasks("own")
    if not own:
        raise DeskError("本机还没有下发任务：先用 perfdesk task create 新建（或 perfdesk demo --office 看示例）")
    return own[0]
