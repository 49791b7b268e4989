"""The figures index kept in step where forms arrive other than by a save: a database upgraded from
0005 (the migration backfills it), a package imported at the finance office and its newer version;
and the 汇总 verbs as a clerk at a terminal uses them."""

from __future__ import annotations

import copy
import io
import json
import sqlite3

import pytest
from alembic import command
from alembic.config import Config
from openpyxl import load_workbook
from sqlalchemy import create_engine

from perfdesk.cli import main
from perfdesk.demo.demo_round import load_round
from perfdesk.domain import money
from perfdesk.domain.document import column_total
from perfdesk.domain.registry import get_form
from perfdesk.app.form_submission import package_form
from perfdesk.package.importer import import_bytes
from perfdesk.store import Store
from perfdesk.store.engine import MIGRATIONS
from perfdesk.app.summary_operations import compose_summary
from table_text import pdf_text
from perfdesk.app.package_import import import_paths
from test_package_support import (YEAR, decide_at, members, office_signer, stores,  # noqa: F401 - fixtures
                                  trust_office, trust_unit, unit_signer, world)


def _config(conn) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


@pytest.mark.sqlite_only
def test_upgrade_from_0005_backfills_the_figures(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store(url) as store:
        load_round(store, 2026, units=4)
        before = compose_summary(store, "monitoring", 2026).summary.totals
    engine = create_engine(url)
    with engine.begin() as conn:
        command.downgrade(_config(conn), "0005")
    engine.dispose()
    with sqlite3.connect(tmp_path / "old.db") as con:
        assert "form_figures" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    with Store(url) as store:  # opening upgrades to head and writes every form's figures
        assert compose_summary(store, "monitoring", 2026).summary.totals == before
    with sqlite3.connect(tmp_path / "old.db") as con:
        assert con.execute("SELECT count(*) FROM form_figures").fetchone()[0] == 4 * 2 * 3 + 4


def test_imported_package_and_its_newer_version_are_added_up(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    trust_office(unit, world)
    got = import_bytes(office, world.package, "v1")
    assert got.status == "imported"
    form = get_form("declaration")
    sent = json.loads(members(world.package)["form.json"])["data"]
    first = compose_summary(office, "declaration", YEAR).summary
    assert first.totals["rows"]["projects"] == 1
    assert first.totals["rows"]["requested"] == column_total(form, sent, "fund_sources.this_year")
    # returned, the unit raises its request and sends version 2: it replaces version 1 in the 汇总
    review = decide_at(office, got.form_instance_id, "return", tmp_path, office_signer(office),
                       letter="请核实申请金额。", opinion="退回修改", reviewer="张三")
    (tmp_path / "r.pdpkg").write_bytes(review)
    assert import_paths(unit, [tmp_path / "r.pdpkg"]).outcomes[0].status == "imported"
    record = unit.get_form(world.form_id)
    doc = copy.deepcopy(record.data)
    doc["expense_details"][0]["this_year"] = str(money.parse_amount(doc["expense_details"][0]["this_year"]) + 10)
    asked = column_total(form, record.data, "fund_sources.this_year")
    doc["fund_sources"]["appropriation"]["this_year"] = str(asked + 10)
    unit.save_form(world.form_id, data=doc)
    v2 = package_form(unit, world.form_id, unit_signer(unit), tmp_path / "v2.pdpkg")
    assert import_bytes(office, v2.data, "v2").status == "updated"
    second = compose_summary(office, "declaration", YEAR).summary.totals["rows"]
    assert second["projects"] == 1
    assert second["requested"] == first.totals["rows"]["requested"] + 10


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_and_results_verbs(db_url, tmp_path, capsys, demo_templates):
    with Store(db_url) as store:
        demo_templates.load(store, "round 2026 30 1")  # load_round(store, 2026, units=30, projects=1)
    pdf, xlsx = tmp_path / "汇总.pdf", tmp_path / "汇总.xlsx"
    code, out, err = run(capsys, "summary", "declaration", "--year", "2026", "--dept", "--pdf", str(pdf),
                         "--xlsx", str(xlsx))
    assert code == 0, err
    assert out.startswith("长治市2026年度预算支出绩效目标申报汇总表（按主管部门汇总）")
    assert "【申报汇总】6 行" in out and "已写出" in out
    text = pdf_text(pdf.read_bytes())
    assert "合计30" in text and "图1本年度申请资金按资金来源" in text
    assert load_workbook(io.BytesIO(xlsx.read_bytes())).active["A1"].value.startswith("长治市2026年度")
    code, out, _ = run(capsys, "results", "--year", "2026")
    assert code == 0 and "【项目支出】30 行" in out and "【部门整体支出】30 行" in out
    # errors: Chinese, non-zero, nothing written
    code, _, err = run(capsys, "summary", "nope", "--year", "2026")
    assert code == 1 and "没有名为“nope”的汇总表；可用的有：declaration、evaluation、monitoring、results" in err
    target = tmp_path / "r.xlsx"
    code, out, err = run(capsys, "results", "--year", "2026", "--pdf", str(target))
    assert code == 1 and "应以 .pdf 结尾" in err and out == "" and not target.exists()
    code, _, err = run(capsys, "summary", "results", "--year", "2026", "--dept")
    assert code == 1 and "不能按主管部门汇总" in err


def test_an_empty_round_prints_blank_totals_and_says_the_chart_has_no_data(db_url, tmp_path, capsys):
    pdf = tmp_path / "监控.pdf"
    code, out, _ = run(capsys, "summary", "monitoring", "--year", "2026", "--pdf", str(pdf))
    assert code == 0 and "【监控汇总】0 行" in out
    assert "提示：2026 年度没有可汇总的表单" in out
    text = pdf_text(pdf.read_bytes())
    assert "None" not in text and "本轮尚无数据" in text


def test_a_county_adds_its_own_summary_table_as_a_file(db_url, tmp_path, capsys, demo_templates):
    """A summary_*.yaml in --forms (or the user's folder) is a 汇总表 of its own, not a form to fill."""
    from perfdesk.catalog import form_files
    from perfdesk.domain.registry import form_ids
    from perfdesk.paths import forms_dir

    county = tmp_path / "county-forms"
    county.mkdir()
    text = (forms_dir() / "summary_declaration.yaml").read_text(encoding="utf-8")
    text = text.replace("id: summary_declaration", "id: summary_funds").replace(
        "title: \"{region}{year}年度预算支出绩效目标申报汇总表\"", "title: \"{region}{year}年度项目资金来源汇总表\"")
    (county / "summary_funds.yaml").write_text(text, encoding="utf-8")
    (county / "summary_broken.yaml").write_text(text.replace("round: declaration", "round: ''"), encoding="utf-8")
    with Store(db_url) as store:
        demo_templates.load(store, "round 2026 30 1")  # load_round(store, 2026, units=30, projects=1)
    try:
        form_files.install(county)
        assert not any(f.startswith("summary_") for f in form_ids())
        code, out, err = run(capsys, "--forms", str(county), "summary", "funds", "--year", "2026", "--dept")
        assert code == 0, err
        assert out.startswith("长治市2026年度项目资金来源汇总表（按主管部门汇总）") and "【申报汇总】6 行" in out
        code, _, err = run(capsys, "--forms", str(county), "summary", "broken", "--year", "2026")
        assert code == 1 and "summary_broken.yaml" in err and "汇总表须有 summary.round" in err
    finally:
        form_files.install()
