"""The defects a hostile read of the packages found (issue 11), one test each: values of the wrong
type or range in a validly signed package, a batch that one bad package used to stop, the PDF not
bound to the data, unbounded work before the trust decision, and verify on a FIFO or printing
pyHanko's English tracebacks."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from perfdesk.package import verifier
from perfdesk.package.package_errors import PackageError
from perfdesk.app.package_import import import_paths
from perfdesk.package.importer import import_bytes
from perfdesk.package.manifest import digest
from perfdesk.package.verifier import verify_package
from test_package_support import (decide_at, OFFICE_CODE, UNIT_CODE, counts, impostor, members, office_signer,
                                  rebound_pdf, resign, rezip, stores, trust_office, trust_unit,
                                  unit_signer, unsigned_pdf, world, year_one_impostor)  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]


def _with_manifest(world, signer, **changes) -> bytes:
    items = members(world.package)
    body = json.loads(items["manifest.json"])
    body.update(changes)
    return resign(items, signer, body)


def _refused(store, package: bytes, *words: str, trust_new: bool = True) -> str:
    outcome = import_bytes(store, package, "hostile.pdpkg", trust_new=trust_new)  # must not raise
    assert outcome.status == "rejected", outcome
    for word in words:
        assert word in outcome.message, outcome.message
    return outcome.message


# --- 1. values of the wrong type or range, signed with a key anyone can make --------------------

@pytest.mark.parametrize("kind", [["form"], {"form": 1}])
def test_manifest_kind_as_list_or_dict_is_refused(world, stores, kind):
    _, office = stores
    _refused(office, _with_manifest(world, impostor(), kind=kind), "数据包类型")


@pytest.mark.parametrize("created", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00",
                                     "1970-01-01T00:00:00Z"])
def test_manifest_created_at_at_the_extremes_is_refused(world, stores, created):
    _, office = stores
    _refused(office, _with_manifest(world, impostor(), created_at=created), "manifest.json", "created_at")


def test_certificate_valid_from_year_one_is_judged_not_crashed_on(world, stores):
    _, office = stores
    old = year_one_impostor()
    items = members(world.package)
    package = resign(items, old, json.loads(items["manifest.json"]), rebind_pdf=True)
    outcome = import_bytes(office, package, "old-cert.pdpkg", trust_new=True)
    # A certificate from year 1 is odd, not invalid: what was signed is what is imported.
    assert outcome.status == "imported", outcome
    assert office.get_form(outcome.form_instance_id).data == json.loads(items["form.json"])["data"]


def test_review_with_a_list_as_decision_is_refused(world, stores, tmp_path):
    unit, office = stores
    trust_unit(office, world)
    received = import_bytes(office, world.package, "v1")
    built = decide_at(office, received.form_instance_id, "approve", tmp_path, office_signer(office), opinion="同意",
                      reviewer="张三")
    trust_office(unit, world)
    items = members(built)
    review = json.loads(items["review.json"])
    review["decision"] = ["approve"]
    items["review.json"] = json.dumps(review, ensure_ascii=False).encode()
    before = unit.get_form(world.form_id)
    _refused(unit, resign(items, office_signer(office)), "review.json", "审核结论", trust_new=False)
    assert unit.get_form(world.form_id) == before


# --- one package's failure never stops a batch -----------------------------------------------

def _good_packages(unit, count: int) -> list[bytes]:
    """`count` distinct forms of the unit, each a genuine signed package (one rendering reused)."""
    from perfdesk.domain.registry import get_form
    from perfdesk.app.operations import render
    from perfdesk.package.builder import assemble_form_package
    from perfdesk.package.formdata import strip_finance

    signer = unit_signer(unit)
    record = next(f for f in unit.list_forms() if f.title == "2027年校舍维修改造项目")
    data = strip_finance(get_form(record.form_id), record.data)
    rendered = render(unit, dataclasses.replace(record, data=data))
    packages = []
    for i in range(count):
        doc = copy.deepcopy(data)
        doc["project_name"] = title = f"{record.title}（第{i + 1:02d}份）"
        variant = dataclasses.replace(record, title=title, data=doc)
        packages.append(assemble_form_package(signer, variant, str(uuid.uuid4()), 1, doc, rendered.pdf,
                                              rendered.xlsx))
    return packages


def _hostile_packages(world) -> list[bytes]:
    """Five validly signed packages, each of which used to raise out of import_paths."""
    odd_cert = resign(members(world.package), year_one_impostor())  # refused later: 201003 has another key by then
    return [_with_manifest(world, impostor(), kind=["form"]), _with_manifest(world, impostor(), kind={}),
            _with_manifest(world, impostor(), created_at="0001-01-01T00:00:00+14:00"),
            _with_manifest(world, impostor(), created_at="9999-12-31T23:59:59-14:00"), odd_cert]


def test_a_batch_of_50_with_5_hostile_imports_the_45_and_reports_the_5(world, stores, tmp_path):
    unit, office = stores
    folder = tmp_path / "usb"
    folder.mkdir()
    good, hostile = _good_packages(unit, 45), _hostile_packages(world)
    names = {}
    for i, package in enumerate(good):
        names[f"{i:03d}-good.pdpkg"] = package
    for i, package in enumerate(hostile):  # spread among the good ones: the first comes second
        names[f"{i * 9 + 1:03d}-hostile.pdpkg"] = package
    for name, package in names.items():
        (folder / name).write_bytes(package)
    report = import_paths(office, [folder], trust_new=True)
    assert len(report.outcomes) == 50
    assert report.count("imported") == 45, report.summary()
    assert sorted(Path(o.source).name for o in report.rejected) == sorted(n for n in names if "hostile" in n)
    assert all(o.message for o in report.rejected)
    assert counts(office)["form_instances"] == 45


# --- 2. the PDF is bound to the package --------------------------------------------------------

def _replace_first_page(pdf: bytes) -> bytes:
    """An incremental update after signing that swaps page 1's content for other text."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (9999) Tj ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_changed_after_signing_is_refused_and_verify_calls_it_invalid(world, stores, tmp_path, capfd):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    items["form.pdf"] = _replace_first_page(items["form.pdf"])
    package = resign(items, unit_signer(unit))  # the unit's own valid package signature over it
    _refused(office, package, "form.pdf", "签名之后被修改过", trust_new=False)
    path = tmp_path / "changed.pdpkg"
    path.write_bytes(package)
    out = _cli("verify", str(path), db=office.url)
    assert out.returncode != 0
    assert "结论：无效" in out.stdout and "签名之后被修改过" in out.stdout, out.stdout
    assert "有效（" not in out.stdout.replace("无效", "")


def test_a_pdf_signed_by_another_unit_is_refused(world, stores):
    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    items["form.pdf"] = rebound_pdf(items, office_signer(office))  # the right data, the wrong signer
    _refused(office, resign(items, unit_signer(unit)), "form.pdf", "长治市财政局", "不是本数据包的签名人",
             trust_new=False)


def test_another_forms_pdf_is_refused(world, stores):
    unit, office = stores
    trust_unit(office, world)
    first, second = _good_packages(unit, 2)
    items = members(second)
    items["form.pdf"] = members(first)["form.pdf"]  # signed by the same unit, printing form 1
    _refused(office, resign(items, unit_signer(unit)), "form.pdf", "不是本数据包的 form.json", trust_new=False)
    assert import_bytes(office, second, "second").status == "imported"


def test_a_pdf_without_the_binding_is_refused(world, stores):
    from perfdesk.package import pdfsign

    unit, office = stores
    trust_unit(office, world)
    items = members(world.package)
    items["form.pdf"] = pdfsign.sign_pdf(unsigned_pdf(items["form.pdf"]), unit_signer(unit), form_sha256="0" * 64)
    _refused(office, resign(items, unit_signer(unit)), "不是本数据包的 form.json", trust_new=False)


# --- 5. bounded work before trust ---------------------------------------------------------------

def test_an_untrusted_package_is_refused_before_its_json_is_parsed(world, stores, monkeypatch):
    _, office = stores
    parsed = []
    real = verifier.strict_json
    monkeypatch.setattr(verifier, "strict_json", lambda *a, **k: parsed.append(a[1]) or real(*a, **k))
    _refused(office, world.package, "未获信任", trust_new=False)
    assert parsed == []  # the manifest is read in manifest.py; form.json never was


def test_oversized_deep_or_crowded_form_json_is_refused_unparsed(world, stores, monkeypatch):
    _, office = stores
    items = members(world.package)
    form = json.loads(items["form.json"])
    big = dict(items, **{"form.json": json.dumps(dict(form, pad=os.urandom(3 * 1024 * 1024).hex())).encode()})
    deep = dict(items, **{"form.json": json.dumps(dict(form, pad=json.loads("[" * 18 + "1" + "]" * 18))).encode()})
    many = dict(items, **{"form.json": json.dumps(dict(form, pad=list(range(300_000)))).encode()})
    sizes = []
    real = json.loads
    monkeypatch.setattr("json.loads", lambda text, **k: sizes.append(len(text)) or real(text, **k))
    _refused(office, resign(big, impostor()), "form.json", "超过上限")
    _refused(office, resign(deep, impostor()), "form.json", "嵌套")
    _refused(office, resign(many, impostor()), "form.json", "超过 250000 个值")
    assert sizes and max(sizes) < 10_000  # only the manifests were parsed


def _cli(*args: str, db: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "perfdesk", *args, "--db", db], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=ROOT)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_verify_refuses_a_fifo_at_once(stores, tmp_path):
    _, office = stores
    fifo = tmp_path / "stuck.pdpkg"
    os.mkfifo(fifo)
    out = _cli("verify", str(fifo), db=office.url, timeout=30)  # used to wait forever for a writer
    assert out.returncode != 0 and "不是普通文件" in out.stdout + out.stderr
    report = import_paths(office, [tmp_path])
    assert [o.status for o in report.outcomes] == ["rejected"] and "不是普通文件" in report.outcomes[0].message


def test_verify_output_carries_no_library_traceback(world, stores, tmp_path):
    unit, office = stores
    items = members(world.package)
    items["form.pdf"] = _replace_first_page(items["form.pdf"])  # pyHanko logs a traceback validating it
    broken = dict(items, **{"form.pdf": items["form.pdf"][:2000]})
    for name, package in (("changed", resign(items, unit_signer(unit))), ("broken", resign(broken, unit_signer(unit)))):
        path = tmp_path / f"{name}.pdpkg"
        path.write_bytes(package)
        out = _cli("verify", str(path), db=office.url)
        text = out.stdout + out.stderr
        assert "Traceback" not in text and "pyhanko." not in text and "Error" not in text, text
        assert "form.pdf" in out.stdout and "结论：无效" in out.stdout
