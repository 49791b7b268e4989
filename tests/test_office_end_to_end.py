"""Issue #14 whole, as a finance office runs a round: the demo office (36 units under six 主管部门, their
forms of the round's year) defines a task and exports it signed; the school imports it, hands in its
项目支出绩效自评表 as a signed package and a 空数据说明 for the department-wide self-evaluation; the office
imports both, the 报送情况 matrix shows them handed in, and every 汇总 table's 合计 equals, to the fen, the
sum of the figures the forms' own documents carry (read here from the documents in Decimal, never from
the figures index) — before the school's package, after it, after its newer version supersedes the
first, and after forms are deleted."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from perfdesk.domain.computed import fill_computed
from perfdesk.domain.monitoring import alerts
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import get_form
from perfdesk.domain.tasks import EMPTY, MISSING, WAITING
from perfdesk.app.office_operations import create_task
from perfdesk.app.operations import save_document
from perfdesk.package.builder import write_package
from perfdesk.app.form_submission import package_form
from perfdesk.app.package_import import import_paths
from perfdesk.package.task_packages import build_empty_package, build_task_package
from perfdesk.store.office import OfficeStore, board_for
from perfdesk.app.summary_operations import RESULTS, compose_summary
from test_package_support import (UNIT_CODE, decide_at, office_signer, stores, trust_office,  # noqa: F401
                                  trust_unit, unit_signer, world)

# The school's demo (tests' world) holds the self-evaluations of 2026, the year before its demo year:
# the round is that year's, run from the office's demo as it stood in mid-September.
ROUND_YEAR = 2026
TODAY = dt.date(ROUND_YEAR, 9, 15)
KINDS = ["declaration", "project_monitoring", "project_self_evaluation", "dept_self_evaluation"]
SELF, DEPT = "project_self_evaluation", "dept_self_evaluation"

_D = {k: get_form(k) for k in ("declaration", "project_monitoring", SELF, DEPT, "evaluation_report")}
_PUBLIC = ("appropriation", "admin_fees", "state_asset_income", "fines", "special_income")
_OTHER = ("special_account", "other_income")
_MONEY = ("central", "provincial", "city", "county", "own", "other")


def _amount(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _add(values) -> Decimal | None:
    """None when no form gave the figure (the 合计 prints —), else the exact sum."""
    found = [v for v in values if v is not None]
    return sum(found, Decimal(0)) if found else None


def _cells(doc: dict, table: str, keys, column: str) -> Decimal | None:
    return _add(_amount((doc.get(table, {}).get(k) or {}).get(column)) for k in keys)


def _forms(store, kind: str) -> list:
    return store.list_forms(year=ROUND_YEAR, form_id=kind)


def _expected(store) -> dict[str, dict]:
    """Each 汇总 table's 合计, added up from the documents as the units filled them."""
    decl = [f.data for f in _forms(store, "declaration")]
    sources = {name: [_cells(d, "fund_sources", keys, "this_year") for d in decl]
               for name, keys in (("src_public", _PUBLIC), ("src_funds", ("government_funds",)), ("src_other", _OTHER))}
    declaration = {"projects": len(decl), **{k: _add(v) for k, v in sources.items()},
                   "requested": _add(_add(parts) for parts in zip(*sources.values())),
                   "arranged": _add(_cells(d, "fund_sources", _PUBLIC + ("government_funds",) + _OTHER, "actual")
                                    for d in decl)}

    mon = [f for f in _forms(store, "project_monitoring") if str(f.data.get("period_months")) == "6"]
    profile = {f.id: get_profile(store.get_unit(f.unit_id).profile) for f in mon}
    found = {f.id: alerts(_D["project_monitoring"], f.data, profile[f.id]) for f in mon}
    budget = [_cells(f.data, "fund_sources", _MONEY, "budget") for f in mon]
    carried = [_cells(f.data, "fund_sources", _MONEY, "carryover") for f in mon]
    monitoring = {"forms": len(mon), "budget": _add(budget),
                  "allotted": _add(_add(pair) for pair in zip(carried, budget)),
                  "issued": _add(_cells(f.data, "fund_sources", _MONEY, "issued") for f in mon),
                  "spent": _add(_cells(f.data, "fund_sources", _MONEY, "spent") for f in mon),
                  "red": sum(a.level == "红色预警" for f in mon for a in found[f.id]),
                  "yellow": sum(a.level == "黄色预警" for f in mon for a in found[f.id])}

    own = [f.data for f in _forms(store, SELF)]
    dept = [f.data for f in _forms(store, DEPT)]
    scored = [d for d in own + dept if d.get("total_score") not in (None, "")]
    grades = [g.name for g in get_profile("changzhi").grades]
    scores = [Decimal(d["total_score"]) for d in scored]
    evaluation = {"forms": len(own) + len(dept),
                  "average": (sum(scores) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP) if scores else None,
                  **{f"grade_{r}": sum(d.get("grade") == name for d in scored) for r, name in enumerate(grades)},
                  "amount": _add(_cells(d, "funds", ("appropriation", "carryover", "other"), "budget") for d in own)}
    assert not _forms(store, "evaluation_report")  # the office's demo has none: the sums above are all of it
    return {"declaration": declaration, "monitoring": monitoring, "evaluation": evaluation,
            "projects": {"count": len([d for d in own if d.get("total_score")]),
                         "amount": _add(_cells(d, "funds", ("appropriation", "carryover", "other"), "budget")
                                        for d in own if d.get("total_score"))}}


def _assert_totals_are_the_forms(store) -> dict:
    want = _expected(store)
    for kind in ("declaration", "monitoring", "evaluation"):
        totals = compose_summary(store, kind, ROUND_YEAR, layout=False).summary.totals["rows"]
        got = {k: totals[k] for k in want[kind]}
        assert got == want[kind], kind
        # the same 合计 when the rows are grouped by 主管部门
        again = compose_summary(store, kind, ROUND_YEAR, by_supervisor=True, layout=False).summary
        assert {k: again.totals["rows"][k] for k in want[kind]} == want[kind], f"{kind} --dept"
    results = compose_summary(store, RESULTS, ROUND_YEAR, layout=False).summary
    assert len(results.values["projects"]) == want["projects"]["count"]
    assert results.totals["projects"]["amount"] == want["projects"]["amount"]
    return want


def _send(unit, office, form_id: int, tmp_path, name: str) -> str:
    built = package_form(unit, form_id, unit_signer(unit), tmp_path / name)
    outcome = import_paths(office, [tmp_path / name]).outcomes[0]
    assert built.data and outcome.status in ("imported", "updated"), outcome.message
    return outcome


def test_a_round_from_task_to_the_summaries(stores, world, tmp_path):
    from perfdesk.demo.demo_office import load_office_demo

    unit, office = stores
    _, count = load_office_demo(office, TODAY)
    assert count >= 60 and len(OfficeStore(office).units()) >= 30
    before = _assert_totals_are_the_forms(office)
    assert before["declaration"]["projects"] == 32 and before["monitoring"]["red"] > 0
    assert {before["evaluation"][f"grade_{r}"] for r in range(4)} != {0}

    # 下发: the office defines the round and exports it signed; the school imports it.
    task = create_task(office, year=ROUND_YEAR, kinds=KINDS, title="决算及绩效自评报送", note="请按期报送",
                       units="all", rules={}, issued=dt.date(ROUND_YEAR, 3, 1),
                       deadlines={"declaration": TODAY - dt.timedelta(days=30), SELF: TODAY + dt.timedelta(days=10),
                                  DEPT: TODAY + dt.timedelta(days=10)})
    write_package(tmp_path / "任务.pdpkg", build_task_package(task, office_signer(office)).data)
    trust_office(unit, world)
    assert import_paths(unit, [tmp_path / "任务.pdpkg"]).outcomes[0].status == "imported"
    received = OfficeStore(unit).task_by_uid(task.uid)
    assert received.year == ROUND_YEAR and sorted(received.deadlines) == sorted(KINDS)

    board = board_for(OfficeStore(office), task, TODAY)
    school = {r.unit.code: r for r in board.rows()}[UNIT_CODE].cells
    assert school[SELF].state == MISSING and school[DEPT].state == MISSING

    # The school hands in its 项目支出绩效自评表 and, for the department-wide one, a 空数据说明.
    trust_unit(office, world)
    own = next(f for f in unit.list_forms(year=ROUND_YEAR, form_id=SELF))
    outcome = _send(unit, office, own.id, tmp_path, "自评表.pdpkg")
    empty = build_empty_package(unit, received, DEPT, unit_signer(unit), contact="刘晓燕", phone="0355-2021236",
                                reason="本单位部门整体支出绩效自评由主管部门统一组织报送。")
    write_package(tmp_path / "空数据说明.pdpkg", empty.data)
    report = import_paths(office, [tmp_path / "空数据说明.pdpkg"])
    assert report.outcomes[0].status == "imported" and "计为已报" in report.outcomes[0].message

    board = board_for(OfficeStore(office), task, TODAY)
    school = {r.unit.code: r for r in board.rows()}[UNIT_CODE].cells
    assert school[SELF].state == WAITING and school[SELF].handed_in
    assert school[DEPT].state == EMPTY and school[DEPT].handed_in
    assert board.counts[DEPT].handed_in == len(_forms(office, DEPT)) + 1  # the 机关's forms and the 说明

    after = _assert_totals_are_the_forms(office)
    sent = Decimal(own.data["total_score"])
    assert after["evaluation"]["forms"] == before["evaluation"]["forms"] + 1  # the 空数据说明 adds no form
    assert after["evaluation"]["amount"] == before["evaluation"]["amount"] + _cells(
        own.data, "funds", ("appropriation", "carryover", "other"), "budget")
    assert after["declaration"] == before["declaration"] and after["monitoring"] == before["monitoring"]

    # 退回, the school corrects its 全年执行数 and sends a newer version: it supersedes the first in every table.
    arrived = outcome.form_instance_id
    back = decide_at(office, arrived, "return", tmp_path, office_signer(office), letter="请核实全年执行数。",
                     opinion="退回修改", reviewer="张三")
    (tmp_path / "退回.pdpkg").write_bytes(back)
    assert import_paths(unit, [tmp_path / "退回.pdpkg"]).outcomes[0].status == "imported"
    doc = copy.deepcopy(unit.get_form(own.id).data)
    doc["funds"]["appropriation"]["executed"] = "40.00"
    fill_computed(_D[SELF], doc, get_profile(unit.get_unit(own.unit_id).profile))  # as the editor shows them
    save_document(unit, unit.get_form(own.id), doc)
    second = Decimal(unit.get_form(own.id).data["total_score"])
    assert second < sent
    outcome = _send(unit, office, own.id, tmp_path, "自评表第2版.pdpkg")
    assert outcome.status == "updated" and "已覆盖" in outcome.message
    assert Decimal(office.get_form(arrived).data["total_score"]) == second
    superseded = _assert_totals_are_the_forms(office)
    assert superseded["evaluation"]["forms"] == after["evaluation"]["forms"]

    # Forms deleted at the office leave the 汇总 (and the school's cell goes back to 未报).
    decl = _forms(office, "declaration")[0]
    monitoring = _forms(office, "project_monitoring")[0]
    for form_id in (decl.id, monitoring.id, arrived):
        office.delete_form(form_id)
    deleted = _assert_totals_are_the_forms(office)
    assert deleted["declaration"]["projects"] == before["declaration"]["projects"] - 1
    assert deleted["monitoring"]["forms"] == before["monitoring"]["forms"] - 1
    assert deleted["evaluation"]["forms"] == before["evaluation"]["forms"]
    school = {r.unit.code: r for r in board_for(OfficeStore(office), task, TODAY).rows()}[UNIT_CODE].cells
    assert school[SELF].state == MISSING and school[DEPT].state == EMPTY
