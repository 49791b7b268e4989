"""The new tables go through the generic package code: a 自评表 and a 考核评分表 packaged at the unit, verified
and imported at the finance office, with their computed scores in form.json, the PDF and the XLSX."""

from __future__ import annotations

import io
import json

from openpyxl import load_workbook

from perfdesk.app.form_submission import build_form_package
from perfdesk.package.importer import import_bytes
from table_text import pdf_text
from test_package_support import members, stores, trust_unit, unit_signer, world  # noqa: F401 - fixtures


def test_self_evaluation_and_assessment_packages_import_at_the_office(world, stores):
    unit, office = stores
    trust_unit(office, world)
    for form_id, expected in (("project_self_evaluation", ("total_score", "95.08")),
                              ("assessment_department", ("self_grade", "优秀"))):
        record = next(f for f in unit.list_forms(form_id=form_id))
        built = build_form_package(unit, record.id, unit_signer(unit))
        items = members(built.data)
        form = json.loads(items["form.json"])
        assert form["form_id"] == form_id and form["data"][expected[0]] == expected[1]
        assert expected[1] in pdf_text(items["form.pdf"])
        sheet = load_workbook(io.BytesIO(items["form.xlsx"])).active
        assert expected[1] in {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
        got = import_bytes(office, built.data, f"{form_id}.pdpkg")
        assert got.status == "imported", got.message
        received = office.get_form(got.form_instance_id)
        assert received.form_id == form_id and received.data[expected[0]] == expected[1]
