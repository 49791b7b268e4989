"""附件4, 6, 7: the self report outline, the feedback letter and the rectification report, with deadlines."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from perfdesk.demo.demo_forms import CITY_UNIT
from perfdesk.domain.checks import CheckContext, run_checks
from perfdesk.domain.deadlines import assessment_year, due_date
from perfdesk.domain.document import blank_document
from perfdesk.domain.profiles import get_profile
from perfdesk.domain.registry import get_form
from perfdesk.app.operations import context
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf
from perfdesk.store import UnitRecord

CITY = UnitRecord(id=1, created_at=None, **CITY_UNIT)


def printed(form_id: str, **values) -> str:
    form = get_form(form_id)
    doc = blank_document(form, values)
    pdf = render_pdf(build_grid(form, doc, context(CITY, 2026, doc)))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_self_report_prints_the_whole_outline():
    text = printed("self_report", project_name="2026年校舍维修改造项目", unit_basic="本单位为全额拨款事业单位。")
    assert "2026年校舍维修改造项目绩效报告" in text and "本单位为全额拨款事业单位。" in text
    for heading in ["一、单位基本情况", "二、项目主要内容", "三、预期绩效目标", "1.项目预期基本目标或阶段性目标；",
                    "2.项目预期政治、经济和社会效益", "四、资金到位情况", "五、项目执行基本情况", "1.项目总投入情况；",
                    "2.项目执行过程中目标、计划调整情况及采取的相关措施；", "3.项目的实际支出情况；",
                    "4.项目绩效目标或阶段性目标完成情况；", "5.项目管理制度及执行情况；", "五、资金超支（节约原因）",
                    "六、项目绩效结果自我评价", "1.项目实现的绩效目标与预期绩效目标的对比分析情况；",
                    "2.项目实施对社会的影响以及所起到的政治、经济和社会效益；", "3.项目实施的经验、存在的问题和改进建议。"]:
        assert heading in text, heading


def test_feedback_letter_names_the_project_once_and_the_reply_deadline():
    text = printed("feedback_letter", unit_name="长治市第一中学", project_name="2026年校舍维修改造项目",
                   reply_deadline="2027-03-20", issuer="长治市财政局", issue_date="2027-03-05")
    assert "绩效评价结果反馈意见函" in text and "长治市第一中学：" in text
    assert "根据贵单位2026年校舍维修改造项目的绩效自评报告" in text
    assert "现将《2026年校舍维修改造项目绩效评价报告》反馈贵单位，请于2027年3月20日前提出书面意见或说明，逾期未复，视为无异议。" in text
    for label in ["项目单位意见", "对报告中“评价结论”的意见", "对报告中“建议”的意见", "其它意见或建议", "（盖章）"]:
        assert label in text


def test_reply_deadline_before_the_letter_is_an_error():
    form = get_form("feedback_letter")
    doc = blank_document(form, dict(unit_name="长治市第一中学", project_name="X项目", reply_deadline="2027-03-01",
                                    issuer="长治市财政局", issue_date="2027-03-05"))
    found = [f for f in run_checks(form, doc, CheckContext(year=2026)) if f.code == "reply_after_issue"]
    assert found and "书面意见反馈期限（2027年3月1日）早于发函日期（2027年3月5日）" in found[0].message


def test_rectification_report_prints_its_table():
    text = printed("rectification", department="长治市教育局", project_name="2026年校舍维修改造项目",
                   evaluation_content="综合得分 82.50 分，等次：良。", contact_person="刘晓燕",
                   contact_phone="0355-2021236", rectification="一、加快资金支付。")
    for label in ["绩效评价结果整改报告书", "预算部门（盖章）：长治市教育局", "项目名称", "评价内容", "联系人及电话",
                  "刘晓燕0355-2021236", "整改情况", "一、加快资金支付。"]:
        assert label in text, label


@pytest.mark.parametrize("kind, doc, expected", [
    ("rectification", {"feedback_received": "2027-03-06"}, dt.date(2027, 5, 5)),  # 60 days later
    ("rectification", {"feedback_received": None}, None),
    ("rectification", {"feedback_received": "2027-02-30"}, None),
    ("feedback", {"reply_deadline": "2027-03-20"}, dt.date(2027, 3, 20)),
    ("monitoring", {"period_months": "6"}, dt.date(2026, 7, 31)),
    ("declaration", {}, None),
])
def test_due_dates(kind, doc, expected):
    assert due_date(kind, doc, 2026, get_profile("changzhi")) == expected


@pytest.mark.parametrize("today, year", [
    (dt.date(2026, 12, 7), 2026),  # 2026's work, due by 31 January 2027
    (dt.date(2027, 1, 31), 2026),  # still 2026's, on its last day
    (dt.date(2027, 2, 1), 2027),  # 2026's deadline has passed: next is 2027's
    (dt.date(2027, 7, 1), 2027),
])
def test_a_new_assessment_is_of_the_year_whose_assessment_is_due_next(today, year):
    # 002 第五十一条: 年度终了 … 对照考核评分表打分自评 … 于次年 1 月底前报送
    assert assessment_year(get_profile("changzhi"), today) == year
    assert due_date("assessment", {}, year, get_profile("changzhi")) >= today


def printed_pages(form_id: str, **values) -> list[str]:
    form = get_form(form_id)
    doc = blank_document(form, values)
    pdf = render_pdf(build_grid(form, doc, context(CITY, 2026, doc)))
    return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


def sentences(mark: str, count: int) -> str:
    return "".join(f"{mark}{i}句。" for i in range(1, count + 1))


def test_a_report_paragraph_runs_on_from_one_page_to_the_next():
    # Half a page of 一、单位基本情况, then a paragraph longer than the rest of the page: it starts
    # under its heading on page 1 and goes on at the top of page 2, as a printed report does.
    pages = printed_pages("self_report", project_name="2026年校舍维修改造项目",
                          unit_basic=sentences("甲", 299), project_content=sentences("乙", 419))
    first, second = pages[0], pages[1]
    assert "二、项目主要内容" in first and "乙1句。" in first
    assert first.count("乙") >= 100 and second.count("乙") >= 2  # both pages carry a real part of it
    assert first.count("乙") + second.count("乙") == 419  # no line lost or printed twice
    assert "乙419句。" in second and second.index("乙") < second.index("三、预期绩效目标")


def test_a_report_heading_is_never_left_alone_at_the_foot_of_a_page():
    # 甲 fills page 1 to within a few lines: the heading 二 goes over with its paragraph.
    pages = printed_pages("self_report", project_name="2026年校舍维修改造项目",
                          unit_basic=sentences("甲", 419), project_content=sentences("乙", 419))
    heading_page = next(i for i, page in enumerate(pages) if "二、项目主要内容" in page)
    assert "乙1句。" in pages[heading_page] and "乙2句。" in pages[heading_page]
    assert pages[heading_page].index("二、项目主要内容") < pages[heading_page].index("乙1句。")
