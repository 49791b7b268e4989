"""Duplicating last year's declaration into a new year, as a clerk does every autumn."""

from __future__ import annotations

from perfdesk.app.operations import check, duplicate, new_declaration


def test_duplicate_into_next_year(demo_store):
    last = next(f for f in demo_store.list_forms() if f.year == 2026)
    copy = duplicate(demo_store, last.id, 2027)
    assert copy.id != last.id and copy.year == 2027 and copy.status.label == "草稿"
    assert copy.title == "2027年校舍维修改造项目"
    doc = copy.data
    assert doc["start_date"] == "2027-01-01" and doc["end_date"] == "2027-12-31"
    assert doc["schedule"][0]["start"] == "2027-01-01"
    # last year's request is this year's 上年度资金; the new request is for the clerk to fill
    assert doc["expense_details"][0]["last_year"] == last.data["expense_details"][0]["this_year"]
    assert doc["expense_details"][0]["this_year"] is None
    assert doc["fill_date"] is None and doc["supervisor_opinion"] is None
    assert all(not any(row.values()) for row in doc["prior_evaluations"])
    assert doc["self_eval_year"] == "2027"
    # the source is untouched
    assert demo_store.get_form(last.id).data == last.data
    messages = [f.message for f in check(demo_store, copy)]
    assert any("本年度申请资金为必填项" in m for m in messages)


def test_new_declaration_starts_from_the_unit(demo_store):
    unit = demo_store.units()[0]
    record = new_declaration(demo_store, unit, 2028, "2028年图书购置项目")
    assert record.data["applicant_name"] == unit.name
    assert record.data["supervisor_code"] == unit.supervisor_code
    assert record.data["project_name"] == "2028年图书购置项目"
    assert record.status.label == "草稿"
