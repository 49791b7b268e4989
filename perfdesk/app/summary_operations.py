"""汇总 and 结果应用清单 of a round, for the CLI (`perfdesk summary`, `perfdesk results`) and the GUI.

A 汇总表 is a file forms/summary_KIND.yaml (domain/summary.py says what it may hold); its rows come from
the figures index (Store.figure_groups / figure_rows), never from the forms' documents. The printed
table is drawn by the forms' own engines (render/grid.py → pdf.py / xlsx.py), the charts by ReportLab's
graphics on pages after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from perfdesk.domain import sources
from perfdesk.catalog.form_reading import load_form
from perfdesk.domain.formdef import FormDef, FormDefinitionError
from perfdesk.domain.summary import Summary, SummarySpec, compose, group_of, office_profile, parse_spec
from perfdesk.errors import UserError
from perfdesk.paths import forms_dir
from perfdesk.render.grid import Grid, build_grid
from perfdesk.store import SETTING_UNIT_ID, Store
from perfdesk.catalog.yaml_files import YAMLError

PREFIX = "summary_"
RESULTS = "results"
DEFAULT_MONTHS = 6  # the July round: January to June (朔州 2022 第十三条)


class SummaryError(UserError):
    """A 汇总 that cannot be made: an unknown kind, a bad summary file, a wrong option."""


@dataclass(frozen=True)
class SummaryTable:
    kind: str
    form: FormDef
    spec: SummarySpec


@dataclass
class Composed:
    table: SummaryTable
    summary: Summary
    grid: Grid | None  # None when only the figures were asked for (layout=False)

    def labels(self, key: str) -> list[str]:
        """A table's column labels, with the office's grade names (优 良 中 低) where they stand for one."""
        return [_filled(c.label, self.summary.context) for c in self.table.form.tables[key].columns]

    def has_totals(self, key: str) -> bool:
        """A table that adds up (a list of projects with only names and measures has no 合计)."""
        return any(isinstance(v, (int, Decimal)) for v in self.summary.totals[key].values())


def _filled(label: str, context: dict) -> str:
    try:
        return label.format_map(context)
    except (KeyError, ValueError, IndexError):
        return label


def _files() -> dict[str, tuple[Path, str]]:
    """kind → (file, origin): the shipped forms/summary_*.yaml, then the user's folder and --forms
    (form_files.FileCatalog), so a county adds its own 汇总表 as a file."""
    catalog = sources.catalog()
    if hasattr(catalog, "summary_files"):
        return catalog.summary_files()
    return {p.stem[len(PREFIX):]: (p, "随程序安装") for p in sorted(forms_dir().glob(f"{PREFIX}*.yaml"))}


def kinds() -> list[str]:
    """The 汇总表 there are, by the part of their file's name after summary_."""
    return sorted(_files())


@lru_cache(maxsize=None)
def summary_table(kind: str) -> SummaryTable:
    files = _files()
    if kind not in files:
        raise SummaryError(f"没有名为“{kind}”的汇总表；可用的有：{'、'.join(sorted(files))}"
                           f"（每种汇总表是 forms 文件夹中的一个 {PREFIX}*.yaml 文件）")
    path, origin = files[kind]
    try:
        form = load_form(path)
        spec = parse_spec(form)
    except (OSError, YAMLError, FormDefinitionError) as exc:
        raise SummaryError(f"汇总表文件 {path}（{origin}）有误：{exc}") from exc
    return SummaryTable(kind, form, spec)


sources.on_change(summary_table.cache_clear)  # another catalog (--forms, a test's): read the files again


def office_context(store: Store, year: int, months: int) -> dict:
    """Who prints the 汇总: this installation's own unit (its region, its finance office and rules
    profile); without one, the region and profile most of the units share."""
    own_id = store.get_setting(SETTING_UNIT_ID)
    units = store.units()
    own = next((u for u in units if u.id == own_id), None)
    if own is None and units:
        # the region most units are in; between equals, a city's (市级) before a county's
        rank = {u.region: (sum(v.region == u.region for v in units), u.level == "市级", u.region) for u in units}
        region = max(rank, key=rank.get)
        profiles = [u.profile for u in units if u.region == region]
        profile_id = max(sorted(set(profiles)), key=profiles.count)
        office = f"{region}财政局"
    elif own is not None:
        region, profile_id, office = own.region, own.profile, own.name
    else:
        region, profile_id, office = "", "changzhi", ""
    return {"region": region, "year": year, "months": str(months), "office": office,
            "profile": office_profile(profile_id), "group_label": "", "parent_label": ""}


def compose_summary(store: Store, kind: str, year: int, *, by_supervisor: bool = False,
                    months: int | None = None, layout: bool = True) -> Composed:
    """The 汇总's rows, 合计 and charts from the figures index; with layout, the printed grid too."""
    table = summary_table(kind)
    spec = table.spec
    if by_supervisor and not spec.regroup:
        raise SummaryError(f"汇总表“{spec.name}”只有一种汇总方式，不能按主管部门汇总（去掉 --dept）")
    months = DEFAULT_MONTHS if months is None else months
    if not 1 <= months <= 12:
        raise SummaryError(f"监控月份 --months {months} 无效：应为 1 到 12 之间的整数，例如 6 表示 1-6 月")
    rows = {}
    for key, part in spec.tables.items():
        where = dict(part.where)
        if spec.round == "monitoring":
            where["period"] = months  # one round: the 1-6月 tables do not mix with the 1-9月 ones
        group = group_of(part, by_supervisor)
        if group == "form":
            rows[key] = store.figure_rows(year=year, round=spec.round, where=where)
        else:
            rows[key] = store.figure_groups(year=year, round=spec.round, group=group, where=where)
    context = office_context(store, year, months)
    summary = compose(spec, table.form, rows, context, by_supervisor)
    summary.doc["office"] = context["office"]
    grid = build_grid(table.form, summary.doc, summary.context) if layout else None
    return Composed(table, summary, grid)


def render_pdf(composed: Composed) -> bytes:
    """The table, then one page per chart."""
    from perfdesk.render.charts import with_charts
    from perfdesk.render.pdf import render_pdf as table_pdf

    return with_charts(table_pdf(composed.grid), composed.summary.charts, composed.grid.orientation)


def render_xlsx(composed: Composed) -> bytes:
    from perfdesk.render.xlsx import render_xlsx as table_xlsx

    return table_xlsx(composed.grid, composed.table.spec.name[:31])


def write(composed: Composed, *, pdf: Path | None, xlsx: Path | None) -> list[Path]:
    """Both files or neither, checked and written as `perfdesk export` writes a form's."""
    from perfdesk.app.operations import write_outputs

    return write_outputs(pdf, xlsx, make_pdf=lambda: render_pdf(composed), make_xlsx=lambda: render_xlsx(composed))
