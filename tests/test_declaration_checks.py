"""The checks of the 预算支出绩效目标申报表 (forms/declaration.yaml), one clerk's mistake at a time.

Every test starts from the valid small demo declaration, breaks one thing, and asserts what the clerk
is told: the severity, the data path the finding points at, and the Chinese message. Each test also
makes sure the same finding is absent from the untouched document.
"""

from __future__ import annotations

import copy
import decimal
from decimal import Decimal
from functools import lru_cache

import pytest

from perfdesk.demo.demo_forms import samples
from perfdesk.domain.checks import CheckContext, blocking, run_checks, unexplained_warnings
from perfdesk.domain.document import blank_document, column_total
from perfdesk.domain.findings import Finding, Severity
from perfdesk.domain.registry import get_form

YEAR = 2027
FORM = get_form("declaration")
ERROR, WARNING, HINT = Severity.ERROR, Severity.WARNING, Severity.HINT


@lru_cache(maxsize=None)
def _demo_small() -> dict:
    return samples(YEAR)[0][3]


def fresh() -> dict:
    """A deep copy of the valid small demo declaration (3 expense lines, 147.535 万元)."""
    return copy.deepcopy(_demo_small())


@pytest.fixture
def good() -> dict:
    return fresh()


def check(doc: dict, *, year: int | None = YEAR, role: str = "unit") -> list[Finding]:
    return run_checks(FORM, doc, CheckContext(year=year, role=role))


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def find(findings: list[Finding], code: str) -> Finding:
    """The one finding with this code (fails if there is none or more than one)."""
    hits = [f for f in findings if f.code == code]
    assert len(hits) == 1, f"expected exactly one {code!r}, got {[(f.code, f.message) for f in findings]}"
    return hits[0]


def assert_quiet_on_good(code: str) -> None:
    assert code not in codes(check(fresh()))


def assert_finding(findings, code, severity, field, *texts) -> Finding:
    finding = find(findings, code)
    assert finding.severity is severity
    assert finding.field == field
    for text in texts:
        assert text in finding.message, f"{text!r} not in {finding.message!r}"
    assert finding.label == FORM.label_of(field)
    assert_quiet_on_good(code)
    return finding


def indicator_index(doc: dict, table: str, level1: str) -> int:
    return next(i for i, r in enumerate(doc[table]) if r["level1"] == level1)


# --- the baseline ------------------------------------------------------------------------------------


def test_good_document_has_no_findings_at_all(good):
    assert check(good) == []


def test_good_document_is_quiet_for_finance_role_too(good):
    assert check(good, role="finance") == []


def test_big_demo_document_with_60_indicators_is_clean(big_doc):
    assert len(big_doc["long_term_indicators"]) + len(big_doc["annual_indicators"]) == 60
    assert check(big_doc) == []


def test_checks_do_not_modify_the_document(good):
    before = copy.deepcopy(good)
    good["applicant_phone"] = "2021"
    before["applicant_phone"] = "2021"
    check(good)
    assert good == before
    assert "_year" not in good


# --- required fields ---------------------------------------------------------------------------------

REQUIRED = [key for key, f in FORM.fields.items() if f.required]


def test_required_field_list_is_the_forms():
    # Guards the parametrisation below against silently testing nothing.
    assert len(REQUIRED) == 28
    assert {"project_name", "applicant_phone", "start_date", "subject_item_code", "self_eval_year",
            "contact_phone"} <= set(REQUIRED)
    assert "project_type" not in REQUIRED and "finance_dept_opinion" not in REQUIRED


@pytest.mark.parametrize("key", REQUIRED)
def test_blank_required_field_is_an_error(good, key):
    label = FORM.fields[key].label
    good[key] = ""
    findings = check(good)
    assert codes(findings) == {f"required:{key}"}
    finding = assert_finding(findings, f"required:{key}", ERROR, key, label, "必填")
    assert finding.message == f"{label}为必填项，请填写。"


@pytest.mark.parametrize("blank", [None, "   ", "\u3000", "\t"])
def test_none_and_whitespace_count_as_blank(good, blank):
    good["project_name"] = blank
    assert_finding(check(good), "required:project_name", ERROR, "project_name", "支出名称", "必填")


def test_missing_key_counts_as_blank(good):
    del good["preparer"]
    assert_finding(check(good), "required:preparer", ERROR, "preparer", "填表人", "必填")


@pytest.mark.parametrize("path, label", [
    ("expense_details.0.name", "支出名称"),
    ("expense_details.1.this_year", "本年度申请资金"),
    ("schedule.2.end", "完成时间"),
    ("long_term_indicators.0.value", "指标值"),
])
def test_blank_required_table_cell_is_an_error(good, path, label):
    table, index, column = path.split(".")
    good[table][int(index)][column] = ""
    assert_finding(check(good), f"required:{path}", ERROR, path, label, "必填")


# --- required_when -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["project_type", "project_subtype"])
def test_project_type_not_required_for_basic_expense(good, key):
    good["expense_type"] = "基本支出"
    good[key] = None
    assert check(good) == []
    good["project_type"] = good["project_subtype"] = None
    assert check(good) == []


@pytest.mark.parametrize("key, label", [("project_type", "项目支出类型"), ("project_subtype", "项目支出类型（其中）")])
def test_project_type_required_for_project_expense(good, key, label):
    assert good["expense_type"] == "项目支出"
    good[key] = ""
    if key == "project_type":
        good["project_subtype"] = ""
    findings = check(good)
    assert_finding(findings, f"required:{key}", ERROR, key, label, "必填")


def test_project_type_and_subtype_both_blank_for_project_expense(good):
    good["project_type"] = good["project_subtype"] = None
    assert codes(check(good)) == {"required:project_type", "required:project_subtype"}


def test_department_wide_expense_does_not_need_project_type(good):
    good["expense_type"] = "部门整体支出"
    good["project_type"] = good["project_subtype"] = ""
    assert check(good) == []


# --- sums: expense details against fund sources -----------------------------------------------------


def test_fund_sources_total_differs_from_expense_details(good):
    good["fund_sources"]["appropriation"]["this_year"] = "100"
    finding = assert_finding(check(good), "budget_balance", ERROR, "fund_sources",
                             "147.535 万元", "100.00 万元", "不相等")
    assert finding.message == (
        "支出明细预算的本年度申请资金合计（147.535 万元）与资金来源计划的本年度申请资金合计（100.00 万元）"
        "不相等，请核对两处金额使其一致。")
    assert finding.label == "资金来源计划"


def test_fixing_the_sum_back_removes_the_error(good):
    good["fund_sources"]["appropriation"]["this_year"] = "100"
    assert "budget_balance" in codes(check(good))
    good["fund_sources"]["appropriation"]["this_year"] = "147.535"
    assert check(good) == []


def test_changed_expense_line_unbalances_the_sums(good):
    good["expense_details"][2]["this_year"] = "36.2351"
    assert_finding(check(good), "budget_balance", ERROR, "fund_sources", "147.5351 万元", "147.535 万元")


def test_fund_sources_spread_over_several_rows_are_summed(good):
    good["fund_sources"]["appropriation"]["this_year"] = "100"
    good["fund_sources"]["admin_fees"]["this_year"] = "7.5"
    good["fund_sources"]["government_funds"]["this_year"] = "30"
    good["fund_sources"]["special_account"]["this_year"] = "10.035"
    assert column_total(FORM, good, "fund_sources.this_year") == Decimal("147.535")
    assert check(good) == []


def test_blank_parent_row_is_summed_from_its_children(good):
    assert good["fund_sources"]["public_budget"]["this_year"] is None
    good["fund_sources"]["admin_fees"]["this_year"] = "2.465"
    assert column_total(FORM, good, "fund_sources.this_year") == Decimal("150")
    assert column_total(FORM, good, "fund_sources.last_year") == Decimal("75")
    assert_finding(check(good), "budget_balance", ERROR, "fund_sources", "147.535 万元", "150.00 万元")


def test_parent_row_differing_from_its_children_is_an_error(good):
    good["fund_sources"]["public_budget"]["this_year"] = "200"
    findings = check(good)
    finding = assert_finding(findings, "fund_tree_sums:public_budget.this_year", ERROR,
                             "fund_sources.public_budget.this_year",
                             "一、公共预算资金", "本年度申请资金", "200.00 万元", "147.535 万元", "应等于其下各项之和")
    assert finding.label == "资金来源计划·公共预算资金·本年度申请资金"
    # The parent's own figure is what the 合计 uses, so the balance is off as well.
    assert column_total(FORM, good, "fund_sources.this_year") == Decimal("200")
    assert "budget_balance" in codes(findings)


def test_parent_row_last_year_column_is_checked_too(good):
    good["fund_sources"]["public_budget"]["last_year"] = "80"
    findings = check(good)
    assert codes(findings) == {"fund_tree_sums:public_budget.last_year"}
    assert_finding(findings, "fund_tree_sums:public_budget.last_year", ERROR,
                   "fund_sources.public_budget.last_year", "上年度资金", "80.00 万元", "75.00 万元")


def test_other_funds_parent_is_checked(good):
    good["fund_sources"]["appropriation"]["this_year"] = "140"
    good["fund_sources"]["other_income"]["this_year"] = "7.535"
    good["fund_sources"]["other_funds"]["this_year"] = "8"
    assert_finding(check(good), "fund_tree_sums:other_funds.this_year", ERROR,
                   "fund_sources.other_funds.this_year", "三、其他资金", "8.00 万元", "7.535 万元")


def test_parent_row_equal_to_its_children_is_quiet(good):
    good["fund_sources"]["public_budget"]["this_year"] = "147.5350"
    good["fund_sources"]["public_budget"]["last_year"] = "75"
    assert check(good) == []


# --- dates -------------------------------------------------------------------------------------------


def test_start_after_end_is_an_error(good):
    good["start_date"], good["end_date"] = "2027-12-31", "2027-01-01"
    finding = assert_finding(check(good), "period_order", ERROR, "start_date",
                             "2027年12月31日", "2027年1月1日", "晚于")
    assert finding.message == "起止时间的起始时间（2027年12月31日）晚于截止时间（2027年1月1日），请改正。"


def test_start_and_end_on_the_same_day_is_fine(good):
    good["start_date"] = good["end_date"] = "2027-06-30"
    assert check(good) == []


def test_dates_typed_in_chinese_are_compared_as_dates(good):
    good["start_date"], good["end_date"] = "2027年10月2日", "2027.9.30"
    assert_finding(check(good), "period_order", ERROR, "start_date", "2027年10月2日", "2027年9月30日")


def test_schedule_row_start_after_end_names_the_row(good):
    good["schedule"][1].update(start="2027-10-31", end="2027-04-01")
    findings = check(good)
    assert codes(findings) == {"schedule_order"}
    finding = assert_finding(findings, "schedule_order", ERROR, "schedule.1.start",
                             "第2行", "2027年10月31日", "2027年4月1日")
    assert finding.message == "支出实施进度计划第2行的开始时间（2027年10月31日）晚于完成时间（2027年4月1日），请改正。"


def test_schedule_row_on_a_single_day_is_fine(good):
    good["schedule"][0].update(start="2027-03-01", end="2027-03-01")
    assert check(good) == []


@pytest.mark.parametrize("typed, text", [("2027-02-30", "2027-02-30"), ("明天", "不是有效的日期")])
def test_unreadable_date_is_invalid(good, typed, text):
    good["end_date"] = typed
    findings = check(good)
    assert_finding(findings, "invalid:end_date", ERROR, "end_date", text)
    assert "period_order" not in codes(findings)


# --- budget subject codes ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["20", "2051", "abc", "2 05"])
def test_bad_class_code_is_a_pattern_error(good, value):
    good["subject_class_code"] = value
    assert_finding(check(good), "pattern:subject_class_code", ERROR, "subject_class_code",
                   f"“{value}”格式不对", "类级科目编码为 3 位数字")


@pytest.mark.parametrize("value", ["2050", "205021", "2050a"])
def test_bad_item_code_is_a_pattern_error(good, value):
    good["subject_item_code"] = value
    assert_finding(check(good), "pattern:subject_item_code", ERROR, "subject_item_code",
                   f"“{value}”格式不对", "款级科目编码为 5 位数字")


def test_item_code_outside_its_class_is_an_error(good):
    good["subject_item_code"] = "21301"
    findings = check(good)
    assert codes(findings) == {"subject_item_prefix"}
    finding = assert_finding(findings, "subject_item_prefix", ERROR, "subject_item_code", "21301", "205")
    assert finding.message == "预算科目款级编码 21301 应以类级编码 205 开头，请按财政部功能科目编码改正。"


@pytest.mark.parametrize("class_code, item_code", [("205", "20502"), ("213", "21301"), ("205", "20599")])
def test_matching_subject_codes_are_quiet(good, class_code, item_code):
    good["subject_class_code"], good["subject_item_code"] = class_code, item_code
    assert check(good) == []


def test_bad_supervisor_code_is_a_pattern_error(good):
    good["supervisor_code"] = "20a"
    assert_finding(check(good), "pattern:supervisor_code", ERROR, "supervisor_code",
                   "“20a”格式不对", "3 至 9 位数字")


def test_full_width_digits_are_not_a_valid_subject_code(good):
    good["subject_class_code"], good["subject_item_code"] = "２０５", "２０５０２"
    found = codes(check(good))
    assert {"pattern:subject_class_code", "pattern:subject_item_code"} <= found


# --- indicator coverage ------------------------------------------------------------------------------

COVERAGE = [(table, prefix, level1)
            for table, prefix in (("long_term_indicators", "long_term"), ("annual_indicators", "annual"))
            for level1 in ("产出指标", "效益指标", "服务对象满意度指标")]


@pytest.mark.parametrize("table, prefix, level1", COVERAGE)
def test_missing_first_level_indicator_is_an_error(good, table, prefix, level1):
    good[table] = [r for r in good[table] if r["level1"] != level1]
    findings = check(good)
    code = f"{prefix}_coverage:{level1}"
    assert codes(findings) == {code}
    label = FORM.tables[table].label
    finding = assert_finding(findings, code, ERROR, table, f"{label}中“{level1}”下至少要有一个三级指标")
    assert finding.label == label


@pytest.mark.parametrize("table, prefix, level1", COVERAGE)
@pytest.mark.parametrize("empty", ["", "  ", None])
def test_indicator_row_without_content_does_not_count(good, table, prefix, level1, empty):
    for row in good[table]:
        if row["level1"] == level1:
            row["content"] = empty
    findings = check(good)
    code = f"{prefix}_coverage:{level1}"
    assert_finding(findings, code, ERROR, table, f"“{level1}”")
    assert all(c == code or c.startswith(f"required:{table}.") for c in codes(findings))


def test_one_row_is_enough_for_coverage(good):
    first = indicator_index(good, "annual_indicators", "效益指标")
    good["annual_indicators"] = [r for i, r in enumerate(good["annual_indicators"])
                                 if r["level1"] != "效益指标" or i == first]
    assert check(good) == []


def test_empty_indicator_tables_miss_every_first_level(good):
    good["long_term_indicators"] = []
    assert {c for c in codes(check(good))} == {
        "long_term_coverage:产出指标", "long_term_coverage:效益指标", "long_term_coverage:服务对象满意度指标"}


# --- quantitative indicator values -------------------------------------------------------------------

TABLES = [("long_term_indicators", "long_term", "长期绩效指标"), ("annual_indicators", "annual", "年度绩效指标")]


@pytest.mark.parametrize("table, prefix, table_label", TABLES)
@pytest.mark.parametrize("value, missing", [("较好", "数值"), ("大幅提高", "数值"), ("95", "计量单位"),
                                            ("≥95", "计量单位"), ("3.5", "计量单位")])
def test_quantitative_value_without_number_or_unit_is_an_error(good, table, prefix, table_label, value, missing):
    good[table][0]["value"] = value
    content = good[table][0]["content"]
    path = f"{table}.0.value"
    findings = check(good)
    assert codes(findings) == {f"{prefix}_values:0"}
    finding = assert_finding(findings, f"{prefix}_values:0", ERROR, path,
                             f"{table_label}第1行“{content}”为定量指标", f"指标值“{value}”缺少{missing}")
    assert finding.label == f"{table_label}第1行·指标值"


@pytest.mark.parametrize("table, prefix, table_label", TABLES)
@pytest.mark.parametrize("value", ["≥95%", "120所", "≤30天", "3.5万元", "100%", "≤850元/平方米", "≥90 %"])
def test_quantitative_value_with_number_and_unit_is_quiet(good, table, prefix, table_label, value):
    good[table][0]["value"] = value
    assert check(good) == []


@pytest.mark.parametrize("value", ["良好", "完全消除", "健全"])
def test_qualitative_value_is_quiet(good, value):
    good["long_term_indicators"][0].update(kind="定性", value=value)
    assert check(good) == []


def test_blank_kind_counts_as_quantitative(good):
    good["annual_indicators"][2].update(kind=None, value="较好")
    assert_finding(check(good), "annual_values:2", ERROR, "annual_indicators.2.value", "第3行", "缺少数值")


def test_each_bad_row_gets_its_own_finding(good):
    good["long_term_indicators"][1]["value"] = "较好"
    good["long_term_indicators"][5]["value"] = "6000"
    findings = check(good)
    assert codes(findings) == {"long_term_values:1", "long_term_values:5"}
    assert find(findings, "long_term_values:5").field == "long_term_indicators.5.value"
    assert "缺少计量单位" in find(findings, "long_term_values:5").message


# --- finance-only cells ------------------------------------------------------------------------------


def test_unit_filling_actual_allocation_is_an_error(good):
    good["fund_sources"]["appropriation"]["actual"] = "147.535"
    path = "fund_sources.appropriation.actual"
    findings = check(good)
    assert codes(findings) == {f"finance_only:{path}"}
    finding = assert_finding(findings, f"finance_only:{path}", ERROR, path,
                             "本年度实际安排资金由财政部门填写", "预算单位不能填写")
    assert finding.label == "资金来源计划·经费拨款·本年度实际安排资金"


def test_finance_filling_actual_allocation_is_quiet(good):
    good["fund_sources"]["appropriation"]["actual"] = "147.535"
    assert check(good, role="finance") == []


def test_finance_role_still_gets_amount_checks_on_finance_cells(good):
    good["fund_sources"]["appropriation"]["actual"] = "-1"
    path = "fund_sources.appropriation.actual"
    assert codes(check(good, role="finance")) == {f"negative:{path}"}


FINANCE_ONLY = [key for key, f in FORM.fields.items() if f.finance_only]


def test_finance_only_field_list():
    assert FINANCE_ONLY == ["finance_dept_opinion", "finance_dept_reviewer", "finance_dept_review_date",
                            "perf_mgmt_opinion", "perf_mgmt_reviewer", "perf_mgmt_review_date"]


@pytest.mark.parametrize("key", FINANCE_ONLY)
def test_unit_filling_finance_only_field_is_an_error(good, key):
    good[key] = "2027-01-05" if key.endswith("_date") else "同意"
    label = FORM.fields[key].label
    findings = check(good)
    assert codes(findings) == {f"finance_only:{key}"}
    assert_finding(findings, f"finance_only:{key}", ERROR, key, f"{label}由财政部门填写", "请清空此栏")
    assert check(good, role="finance") == []


# --- amounts -----------------------------------------------------------------------------------------


def test_negative_amount_is_an_error(good):
    good["expense_details"][0]["this_year"] = "-5"
    path = "expense_details.0.this_year"
    finding = assert_finding(check(good), f"negative:{path}", ERROR, path, "负数", "-5.00 万元")
    assert finding.message == "本年度申请资金不能为负数（填写了 -5.00 万元），请填写 0 或正数。"
    assert finding.label == "支出明细预算第1行·本年度申请资金"


def test_negative_amount_in_fund_sources_is_an_error(good):
    good["fund_sources"]["fines"]["last_year"] = "-0.5"
    path = "fund_sources.fines.last_year"
    assert_finding(check(good), f"negative:{path}", ERROR, path, "负数", "-0.50 万元")


def test_zero_amount_is_fine(good):
    good["expense_details"].append({"name": "预留", "last_year": "0", "this_year": "0", "basis_note": "无"})
    assert check(good) == []


@pytest.mark.parametrize("typed, text", [
    ("12.3.4", "“12.3.4”不是有效的金额"),
    ("十万", "“十万”不是有效的金额"),
    ("1.23456", "最多保留 4 位小数"),
    ("1e5", "不是有效的金额"),
])
def test_invalid_amount_is_an_error(good, typed, text):
    good["expense_details"][0]["this_year"] = typed
    path = "expense_details.0.this_year"
    findings = check(good)
    finding = assert_finding(findings, f"invalid:{path}", ERROR, path, text)
    assert "负数" not in finding.message
    # An invalid figure counts as nothing in the 合计, so the sums disagree as well.
    assert "budget_balance" in codes(findings)


def test_amount_typed_with_separators_and_full_width_digits_is_fine(good):
    good["expense_details"][0]["this_year"] = "1,０６２.５"
    good["expense_details"][1]["this_year"] = " 48.80 "
    good["fund_sources"]["appropriation"]["this_year"] = "1,147.535"
    assert check(good) == []


def test_absurdly_large_amount_is_reported_not_a_crash(good):
    good["expense_details"][0]["this_year"] = "1" + "0" * 25
    path = "expense_details.0.this_year"
    findings = check(good)
    assert find(findings, f"invalid:{path}").severity is ERROR


# --- telephone numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["13835512345", "0355-2021234", "03552021234", "0355-2021234-801",
                                   "400-123-4567", "010-65123456", "（0355）2021234", "138 3551 2345"])
def test_plausible_phone_is_quiet(good, phone):
    good["applicant_phone"] = phone
    assert check(good) == []


@pytest.mark.parametrize("phone", ["2021", "12345", "138355123456", "abc", "0355-12021234"])
def test_implausible_phone_is_a_warning(good, phone):
    good["applicant_phone"] = phone
    findings = check(good)
    assert codes(findings) == {"phone:applicant_phone"}
    finding = assert_finding(findings, "phone:applicant_phone", WARNING, "applicant_phone",
                             f"“{phone}”不像有效的电话号码", "如确为特殊号码，请填写说明")
    assert finding.explanation == ""
    assert blocking(findings) == []
    assert unexplained_warnings(findings) == [finding]


@pytest.mark.parametrize("key", ["supervisor_phone", "implementer_phone", "contact_phone"])
def test_every_phone_field_is_checked(good, key):
    good[key] = "2021"
    assert_finding(check(good), f"phone:{key}", WARNING, key, "“2021”不像有效的电话号码")


def test_explained_warning_carries_its_explanation(good):
    good["applicant_phone"] = "2021"
    good["_explanations"] = {"phone:applicant_phone": "内部分机"}
    findings = check(good)
    finding = find(findings, "phone:applicant_phone")
    assert finding.severity is WARNING
    assert finding.explanation == "内部分机"
    assert unexplained_warnings(findings) == []
    assert finding.line() == f"[警告] 申报单位联系电话：{finding.message}（说明：内部分机）"


def test_explanation_for_another_code_does_not_explain(good):
    good["applicant_phone"] = "2021"
    good["_explanations"] = {"phone:contact_phone": "内部分机"}
    findings = check(good)
    assert find(findings, "phone:applicant_phone").explanation == ""
    assert len(unexplained_warnings(findings)) == 1


def test_errors_cannot_be_explained_away(good):
    good["fund_sources"]["appropriation"]["this_year"] = "100"
    good["_explanations"] = {"budget_balance": "以后再改"}
    findings = check(good)
    finding = find(findings, "budget_balance")
    assert finding.explanation == ""
    assert blocking(findings) == [finding]


def test_whitespace_is_not_an_explanation(good):
    good["applicant_phone"] = "2021"
    good["_explanations"] = {"phone:applicant_phone": "   "}
    findings = check(good)
    assert [f.code for f in unexplained_warnings(findings)] == ["phone:applicant_phone"]


# --- choices -----------------------------------------------------------------------------------------


def test_unknown_expense_type_lists_the_options(good):
    good["expense_type"] = "其他"
    findings = check(good)
    assert codes(findings) == {"choice:expense_type"}
    finding = assert_finding(findings, "choice:expense_type", ERROR, "expense_type", "“其他”不是可选项")
    assert finding.message == "“其他”不是可选项，请从“基本支出、项目支出、部门整体支出”中选择。"


def test_subtype_not_of_the_project_type_is_an_error(good):
    good["project_type"], good["project_subtype"] = "经济建设类", "购置"
    findings = check(good)
    assert codes(findings) == {"choice:project_subtype"}
    assert_finding(findings, "choice:project_subtype", ERROR, "project_subtype",
                   "“购置”不是可选项", "新建、扩建、改建")


@pytest.mark.parametrize("ptype, subtype", [("经济建设类", "改建"), ("行政事业发展类", "会议（培训）"),
                                            ("其他专项类", "奖励补贴")])
def test_subtype_of_its_project_type_is_quiet(good, ptype, subtype):
    good["project_type"], good["project_subtype"] = ptype, subtype
    assert check(good) == []


def test_unknown_project_type_is_an_error(good):
    good["project_type"] = "基本建设类"
    assert_finding(check(good), "choice:project_type", ERROR, "project_type",
                   "“基本建设类”不是可选项", "经济建设类、行政事业发展类、其他专项类")


def test_level2_not_under_its_level1_is_an_error(good):
    assert good["long_term_indicators"][0]["level1"] == "产出指标"
    good["long_term_indicators"][0]["level2"] = "社会效益指标"
    path = "long_term_indicators.0.level2"
    findings = check(good)
    assert codes(findings) == {f"choice:{path}"}
    finding = assert_finding(findings, f"choice:{path}", ERROR, path,
                             "“社会效益指标”不是可选项", "数量指标、质量指标、时效指标、成本指标")
    assert finding.label == "长期绩效指标第1行·二级指标"


def test_unknown_level1_is_an_error(good):
    i = indicator_index(good, "annual_indicators", "服务对象满意度指标")
    good["annual_indicators"][i]["level1"] = "满意度指标"
    path = f"annual_indicators.{i}.level1"
    assert_finding(check(good), f"choice:{path}", ERROR, path, "“满意度指标”不是可选项")


def test_unknown_indicator_kind_is_an_error(good):
    good["annual_indicators"][0]["kind"] = "半定量"
    path = "annual_indicators.0.kind"
    assert_finding(check(good), f"choice:{path}", ERROR, path, "“半定量”不是可选项", "定量、定性")


def test_unknown_grade_is_an_error(good):
    good["prior_evaluations"][0]["self_grade"] = "甲"
    path = "prior_evaluations.0.self_grade"
    assert_finding(check(good), f"choice:{path}", ERROR, path, "“甲”不是可选项", "优、良、中、差")


def test_bad_self_evaluation_year_is_an_error(good):
    good["self_eval_year"] = "27"
    assert_finding(check(good), "year:self_eval_year", ERROR, "self_eval_year", "“27”不是有效的年度")


# --- minimum rows ------------------------------------------------------------------------------------


def test_no_expense_details_is_an_error(good):
    good["expense_details"] = []
    findings = check(good)
    finding = assert_finding(findings, "min_rows:expense_details", ERROR, "expense_details",
                             "支出明细预算至少要填写 1 行")
    assert finding.label == "支出明细预算"
    assert codes(findings) == {"min_rows:expense_details", "budget_balance"}


def test_no_schedule_is_an_error(good):
    good["schedule"] = []
    findings = check(good)
    assert codes(findings) == {"min_rows:schedule"}
    assert_finding(findings, "min_rows:schedule", ERROR, "schedule", "支出实施进度计划至少要填写 1 行")


def test_missing_table_key_counts_as_no_rows(good):
    del good["schedule"]
    assert codes(check(good)) == {"min_rows:schedule"}


# --- hint: prior evaluations for a cross-year expense ------------------------------------------------


def blank_prior_rows() -> list[dict]:
    return copy.deepcopy(blank_document(FORM)["prior_evaluations"])


def test_cross_year_expense_without_prior_evaluations_gets_a_hint(good):
    good["start_date"] = "2025-01-01"
    good["prior_evaluations"] = blank_prior_rows()
    findings = check(good)
    assert codes(findings) == {"prior_evaluations"}
    finding = assert_finding(findings, "prior_evaluations", HINT, "prior_evaluations",
                             "跨年度实施", "以前年度绩效评价情况", "前三个年度的绩效等级")
    assert finding.label == "以前年度绩效评价情况"
    assert blocking(findings) == [] and unexplained_warnings(findings) == []


def test_prior_rows_of_empty_strings_count_as_blank(good):
    good["start_date"] = "2025-01-01"
    good["prior_evaluations"] = [{k: "" for k in row} for row in good["prior_evaluations"]]
    assert codes(check(good)) == {"prior_evaluations"}


def test_cross_year_expense_with_grades_gets_no_hint(good):
    good["start_date"] = "2025-01-01"
    assert check(good) == []


def test_expense_starting_in_the_form_year_gets_no_hint(good):
    good["prior_evaluations"] = blank_prior_rows()
    assert good["start_date"] == "2027-01-01"
    assert check(good) == []
    good["start_date"] = "2026-12-31"
    assert codes(check(good)) == {"prior_evaluations"}


def test_no_hint_without_a_form_year(good):
    good["start_date"] = "2025-01-01"
    good["prior_evaluations"] = blank_prior_rows()
    assert check(good, year=None) == []


# --- ordering and the helpers ------------------------------------------------------------------------


def mixed_document() -> dict:
    """One hint, one warning (from a field) and two errors (one from a field, one from a rule)."""
    doc = fresh()
    doc["start_date"] = "2025-01-01"
    doc["prior_evaluations"] = blank_prior_rows()
    doc["applicant_phone"] = "2021"
    doc["fund_sources"]["appropriation"]["this_year"] = "100"
    doc["expense_type"] = "其他"
    return doc


def test_findings_are_errors_then_warnings_then_hints():
    findings = check(mixed_document())
    assert [(f.severity, f.code) for f in findings] == [
        (ERROR, "choice:expense_type"),
        (ERROR, "budget_balance"),
        (WARNING, "phone:applicant_phone"),
        (HINT, "prior_evaluations"),
    ]


def test_blocking_returns_only_errors():
    findings = check(mixed_document())
    assert [f.code for f in blocking(findings)] == ["choice:expense_type", "budget_balance"]
    assert all(f.severity is ERROR and f.blocks_export for f in blocking(findings))
    assert blocking(check(fresh())) == []


def test_unexplained_warnings_excludes_explained_ones():
    doc = mixed_document()
    doc["contact_phone"] = "12345"
    doc["_explanations"] = {"phone:applicant_phone": "内部分机"}
    findings = check(doc)
    assert [f.code for f in findings if f.severity is WARNING] == ["phone:applicant_phone", "phone:contact_phone"]
    assert [f.code for f in unexplained_warnings(findings)] == ["phone:contact_phone"]


@pytest.mark.parametrize("phone", ["138-3551-2345", "+86 13835512345", "86-13835512345"])
def test_mobile_numbers_written_with_dashes_or_country_code_are_plausible(good, phone):
    good["applicant_phone"] = phone
    assert "phone:applicant_phone" not in codes(check(good))


def test_a_year_without_grades_still_gets_the_prior_evaluations_hint(good):
    good["start_date"] = "2025-01-01"
    good["prior_evaluations"] = blank_prior_rows()
    good["prior_evaluations"][0]["year"] = "2024"
    assert "prior_evaluations" in codes(check(good))


def test_finance_cells_written_by_a_verified_review_are_accepted_but_not_changed(good):
    good["fund_sources"]["appropriation"]["actual"] = "140"
    good["finance_dept_opinion"] = "同意"
    good["_finance_cells"] = {"fund_sources.appropriation.actual": "140", "finance_dept_opinion": "同意"}
    assert not [f for f in check(good) if f.code.startswith("finance_only")]
    good["fund_sources"]["appropriation"]["actual"] = "150"  # the unit changed what the office wrote
    assert "finance_only:fund_sources.appropriation.actual" in codes(check(good))
