"""A long 汇总-like table prints every row once, its headers on every page and the right page total."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader

from big_table import expected_totals, project_name, summary_context, summary_doc, summary_form
from perfdesk.domain.money import format_amount
from perfdesk.render.grid import build_grid
from perfdesk.render.pdf import render_pdf

ROWS = 3000


@pytest.fixture(scope="module")
def pages() -> list[str]:
    pdf = render_pdf(build_grid(summary_form(), summary_doc(ROWS), summary_context()))
    return [re.sub(r"[\s　]+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_every_row_printed_once(pages):
    seen = Counter(re.findall(r"项目(\d{5})", "".join(pages)))
    assert set(seen) == {project_name(i)[2:] for i in range(1, ROWS + 1)}
    assert [k for k, n in seen.items() if n != 1] == []
    # the rows are in order: each page's first project follows the previous page's last
    firsts = [int(re.findall(r"项目(\d{5})", p)[0]) for p in pages if re.search(r"项目\d{5}", p)]
    assert firsts == sorted(firsts)


def test_headers_repeat_on_every_page(pages):
    assert len(pages) > 100
    for number, text in enumerate(pages, start=1):
        assert "主管部门预算单位项目名称本年度申请资金本年度实际安排资金" in text, f"第{number}页没有表头"
        assert text.count("项目名称") == 1
    assert "长治市2027年度项目支出预算汇总表（按项目）（续）" in pages[1]


def test_page_numbers_count_all_pages(pages):
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{total}页" in text


def test_total_row_is_the_sum_of_the_rows(pages):
    this_year, actual = expected_totals(ROWS)
    assert f"合计{format_amount(this_year)}{format_amount(actual)}" in pages[-1]
    assert "注：本表由程序按各单位报送的申报表汇总。" in pages[-1]
