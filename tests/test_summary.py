"""The finance office's 汇总 on a round of 32 units: every table's 合计 is the sum of the forms' own
figures to the fen (worked out here from the documents, not from the figures index), also after a unit's
newer form supersedes its older one, after a deletion, a restore from the recycle bin and a revision
restore; the printed PDF's 合计 row, its chart page and the 结果应用清单's values and sources."""

from __future__ import annotations

import copy
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from perfdesk.domain import money
from perfdesk.domain.computed import computed_document
from perfdesk.domain.document import column_total, headline_amount, scored_total, tree_values
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.monitoring import spending
from perfdesk.domain.registry import get_form
from perfdesk.app.revision_restore import restore_revision
from perfdesk.app.workflow import void
from perfdesk.app.summary_operations import compose_summary, kinds, render_pdf, render_xlsx
from table_text import pdf_text

YEAR = 2026
UNITS = 32


@pytest.fixture
def office(store, demo_templates):
    name = f"round {YEAR} {UNITS} 2"
    return demo_templates.load(store, name), demo_templates.made(name)


def own_figures(store) -> dict[str, Decimal | int]:
    """What the live forms themselves say, straight from their documents."""
    out = dict(projects=0, requested=Decimal(0), public=Decimal(0), arranged=Decimal(0), budget=Decimal(0),
               allotted=Decimal(0), issued=Decimal(0), spent=Decimal(0), evaluated=0, evaluated_budget=Decimal(0),
               scores=Decimal(0))
    declaration, monitoring = get_form("declaration"), get_form("project_monitoring")
    evaluation, department = get_form("evaluation_report"), get_form("dept_self_evaluation")
    newest: dict[tuple, object] = {}  # a unit's later form of the same kind and project replaces the earlier
    for record in sorted(store.list_forms(year=YEAR), key=lambda r: r.id):
        project = record.data.get("project_name") or "" if record.form_id != "dept_self_evaluation" else ""
        newest[(record.unit_id, record.form_id, project)] = record
    for record in newest.values():
        if record.form_id == "declaration":
            out["projects"] += 1
            out["requested"] += column_total(declaration, record.data, "fund_sources.this_year")
            out["arranged"] += column_total(declaration, record.data, "fund_sources.actual")
            out["public"] += tree_values(declaration, record.data, "fund_sources", "this_year")["public_budget"] or 0
        elif record.form_id == "project_monitoring":
            total = spending(monitoring, record.data, "fund_sources")
            for key, name in (("budget", "budget"), ("allotted", "subtotal"), ("issued", "issued"), ("spent", "spent")):
                out[key] += total[name] or 0
        elif record.form_id == "evaluation_report":
            out["evaluated"] += 1
            out["evaluated_budget"] += column_total(evaluation, record.data, "funds.planned")
            out["scores"] += scored_total(evaluation, record.data, ["business_indicators.score",
                                                                   "financial_indicators.score"])
        elif record.form_id == "dept_self_evaluation":
            out["evaluated"] += 1
            out["scores"] += money.parse_amount(computed_document(department, record.data,
                                                                  get_profile("changzhi"))["total_score"])
    return out


def check_totals(store) -> None:
    own = own_figures(store)
    for by_dept in (False, True):
        declaration = compose_summary(store, "declaration", YEAR, by_supervisor=by_dept).summary
        total = declaration.totals["rows"]
        assert total["projects"] == own["projects"]
        assert total["requested"] == own["requested"] and total["arranged"] == own["arranged"]
        assert total["src_public"] == own["public"]
        assert total["src_public"] + total["src_funds"] + total["src_other"] == own["requested"]
        # the 合计 is the sum of the printed rows, too
        assert sum(r["requested"] for r in declaration.values["rows"]) == own["requested"]
        monitoring = compose_summary(store, "monitoring", YEAR, by_supervisor=by_dept).summary.totals["rows"]
        for key in ("budget", "allotted", "issued", "spent"):
            assert monitoring[key] == own[key], key
        assert monitoring["spend_rate"] == money.percent(own["spent"], own["allotted"])
        assert monitoring["issue_rate"] == money.percent(own["issued"], own["budget"])
        evaluation = compose_summary(store, "evaluation", YEAR, by_supervisor=by_dept).summary.totals["rows"]
        assert evaluation["forms"] == own["evaluated"]
        assert sum(evaluation[f"grade_{k}"] for k in range(4)) == own["evaluated"]
        assert evaluation["amount"] == own["evaluated_budget"]
        assert evaluation["average"] == (own["scores"] / own["evaluated"]).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_every_table_adds_up_to_the_forms_own_figures(office):
    store, made = office
    assert len(made.units) == UNITS >= 30
    assert {"declaration", "monitoring", "evaluation", "results"} <= set(kinds())
    check_totals(store)
    by_unit = compose_summary(store, "declaration", YEAR).summary
    by_dept = compose_summary(store, "declaration", YEAR, by_supervisor=True).summary
    assert len(by_unit.values["rows"]) == UNITS and len(by_dept.values["rows"]) == 6
    assert by_unit.context["group_label"] == "预算单位" and by_dept.context["group_label"] == "主管部门"


def test_a_newer_form_from_the_same_unit_supersedes_the_older(office):
    store, made = office
    old = store.get_form(made.declarations[0])
    before = compose_summary(store, "declaration", YEAR).summary.totals["rows"]
    doc = copy.deepcopy(old.data)
    doc["fund_sources"]["appropriation"]["this_year"] = "123.4567"
    doc["fund_sources"]["government_funds"]["this_year"] = None
    doc["fund_sources"]["other_income"]["this_year"] = None
    form = get_form("declaration")
    newer = store.create_form(unit_id=old.unit_id, form_id="declaration", form_version=1, year=YEAR, title=old.title,
                              data=doc, amount=headline_amount(form, doc))
    after = compose_summary(store, "declaration", YEAR).summary.totals["rows"]
    assert after["projects"] == before["projects"]  # the same project, counted once
    old_requested = column_total(form, old.data, "fund_sources.this_year")
    assert after["requested"] == before["requested"] - old_requested + Decimal("123.4567")
    # the older one comes back when the newer one is deleted, and goes again when it is restored
    store.delete_form(newer.id)
    assert compose_summary(store, "declaration", YEAR).summary.totals["rows"]["requested"] == before["requested"]
    store.restore_form(newer.id)
    assert compose_summary(store, "declaration", YEAR).summary.totals["rows"] == after
    store.purge_form(newer.id)
    assert compose_summary(store, "declaration", YEAR).summary.totals["rows"] == before
    # every round: newer monitoring tables and evaluations replace the older ones in every table
    for form_id, ids in (("declaration", made.declarations[7:9]), ("project_monitoring", made.monitoring[:3]),
                         ("evaluation_report", made.evaluations[2:5]), ("dept_self_evaluation", made.departments[:2])):
        for form_instance_id in ids:
            old = store.get_form(form_instance_id)
            doc = copy.deepcopy(old.data)
            if form_id == "project_monitoring":
                doc["fund_sources"]["city"]["spent"] = "0.0001"
            elif form_id == "evaluation_report":
                doc["financial_indicators"][0]["score"] = "0"
            elif form_id == "declaration":
                doc["fund_sources"]["other_income"]["this_year"] = "0.01"
            else:
                doc["indicators"][0]["actual"] = "10"
            store.create_form(unit_id=old.unit_id, form_id=form_id, form_version=1, year=YEAR, title=old.title,
                              data=doc, amount=None)
    check_totals(store)


def test_deleting_saving_and_restoring_a_revision_move_the_totals(office):
    store, made = office
    monitoring = store.get_form(made.monitoring[3])
    store.delete_form(monitoring.id)
    check_totals(store)
    store.restore_form(monitoring.id)
    doc = copy.deepcopy(monitoring.data)
    doc["fund_sources"]["city"]["spent"] = "1.0001"
    store.save_form(monitoring.id, data=doc)
    check_totals(store)
    assert compose_summary(store, "monitoring", YEAR).summary.totals["rows"]["spent"] == own_figures(store)["spent"]
    revision = store.revisions(monitoring.id)[-1]
    restore_revision(store, monitoring.id, revision.id)
    check_totals(store)
    store.delete_form(made.evaluations[0])
    store.delete_form(made.declarations[5])
    check_totals(store)
    # a voided form (作废) counts no more, as the list of live forms it stays in does not show it counted
    before = compose_summary(store, "declaration", YEAR).summary.totals["rows"]
    voided = store.get_form(made.declarations[6])
    void(store, voided.id, "重复申报")
    after = compose_summary(store, "declaration", YEAR).summary.totals["rows"]
    assert after["projects"] == before["projects"] - 1
    assert after["requested"] == before["requested"] - column_total(get_form("declaration"), voided.data,
                                                                    "fund_sources.this_year")


def test_a_unit_moved_to_another_supervisor_is_added_up_there(office):
    store, made = office
    unit = made.units[0]
    store.update_unit(unit.id, supervisor_code="206", supervisor_name="长治市文化和旅游局")
    rows = compose_summary(store, "declaration", YEAR, by_supervisor=True).summary.values["rows"]
    counts = {r["code"]: r["projects"] for r in rows}
    assert counts["201"] == 10 and counts["206"] == 12
    check_totals(store)


def test_printed_total_row_and_chart(office):
    store, _ = office
    composed = compose_summary(store, "declaration", YEAR)
    total = composed.summary.totals["rows"]
    text = pdf_text(render_pdf(composed))
    fmt = money.format_amount
    assert (f"合计{total['projects']}{fmt(total['requested'])}{fmt(total['src_public'])}{fmt(total['src_funds'])}"
            f"{fmt(total['src_other'])}{fmt(total['arranged'])}") in text
    # the chart's page: its title and the exact amounts of its legend
    assert "图1本年度申请资金按资金来源（万元）" in text
    assert f"公共预算资金{fmt(total['src_public'])}万元" in text and f"合计{fmt(total['requested'])}万元" in text
    book = render_xlsx(composed)
    sheet = load_workbook(io.BytesIO(book), data_only=True).active  # a formula's value, as Excel shows it
    total_row = next([c.value for c in row if c.value is not None] for row in sheet.iter_rows() if row[0].value == "合计")
    formulas = load_workbook(io.BytesIO(book)).active
    sums = next([c.value for c in row] for row in formulas.iter_rows() if row[0].value == "合计")
    assert any(str(v).startswith("=") and "SUM(" in str(v) for v in sums)  # an edit in WPS/Excel recomputes
    assert total_row[1] == str(total["projects"])
    assert [Decimal(str(v)) for v in total_row[2:]] == [total[k] for k in ("requested", "src_public", "src_funds",
                                                                          "src_other", "arranged")]


def test_monitoring_table_prints_rates_warnings_and_impossible_projects(office):
    store, _ = office
    composed = compose_summary(store, "monitoring", YEAR)
    summary = composed.summary
    total = summary.totals["rows"]
    assert total["share"] == Decimal("50.00") and total["lag"] == Decimal("50.00") - total["spend_rate"]
    assert total["red"] == len(summary.values["impossible"]) > 0  # one red warning per 完全不可能 here
    text = pdf_text(render_pdf(composed))
    assert f"{total['issue_rate']:.2f}{money.format_amount(total['spent'])}{total['spend_rate']:.2f}50.00" in text
    assert "完成采购批次：调整采购计划，第三季度集中招标" in text
    assert "图1支出进度与序时进度（支出进度最低的20个预算单位，%）" in text and "序时进度50.00%" in text


def test_evaluation_table_grade_distribution_and_units_below_good(office):
    store, _ = office
    composed = compose_summary(store, "evaluation", YEAR)
    summary = composed.summary
    assert [summary.context[f"grade_{k}"] for k in range(4)] == ["优", "良", "中", "低"]
    weak = summary.values["weak"]
    assert weak and all(row["grade"] in ("中", "低") for row in weak)
    assert all("按 5% 的比例扣减部门公用经费" in row["sentence"] for row in weak)
    text = pdf_text(render_pdf(composed))
    assert "图1评价等次分布（份）" in text
    counts = [summary.totals["rows"][f"grade_{k}"] for k in range(4)]
    assert "".join(str(c) for c in counts) in text


def test_results_list_values_and_sources(office):
    store, _ = office
    composed = compose_summary(store, "results", YEAR)
    projects = composed.summary.values["projects"]
    middle = next(r for r in projects if r["grade"] == "中")
    assert middle["cut"] == (middle["amount"] * Decimal("0.1")).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert "按预算总额的 10% 压减预算" in middle["sentence"]
    low = next(r for r in projects if r["grade"] == "低")
    assert low["cut"] == low["amount"] and "原则上不再安排同一支出内容的下年度预算" in low["sentence"]
    good = next(r for r in projects if r["grade"] == "良")
    assert good["cut"] == 0 and "不因评价结果压减" in good["sentence"]
    assert {r["source"] for r in projects} == {"中卫市进一步推进预算绩效结果应用实施方案 一（四）"}
    totals = composed.summary.totals["projects"]
    assert totals["amount"] == sum(r["amount"] for r in projects)
    assert totals["cut"] == sum(r["cut"] for r in projects)
    text = pdf_text(render_pdf(composed))
    assert f"合计{money.format_amount(totals['amount'])}{money.format_amount(totals['cut'])}" in text
    assert "中卫市进一步推进预算绩效结果应用实施方案一（四）" in text
    assert "长治市（2014年办法）未规定压减比例，参照中卫市" in text  # a borrowed rule says so
    departments = composed.summary.values["departments"]
    assert len(departments) == UNITS
    assert any("扣减部门公用经费" in r["sentence"] for r in departments)
