"""Re-signing fuzz harness (issue 11): packages whose manifest, members or review are changed and
then signed again, validly, with an impostor's key, imported under --trust-new. Raw byte flips
only test the signature; these get past it, into every check behind it.

For every case: import_bytes never raises, and either the package is refused and the store is
exactly as before, or what the store now holds is exactly what was signed (the form's document,
uid, version, title, year and unit; a review's finance cells and nothing else).

About 2,100 cases in CI time (~40 s); PERFDESK_FUZZ_SCALE=10 runs ten times as many:
    PERFDESK_FUZZ_SCALE=10 pytest -q tests/test_package_resign_fuzz.py
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdesk.package import keys
from perfdesk.package.importer import import_bytes
from perfdesk.store import Store
from test_package_support import (decide_at, OFFICE_CODE, UNIT_CODE, impostor, members, office_signer, rebound_pdf,
                                  rezip, trust_office, trust_unit, unsigned_pdf, world,
                                  year_one_impostor)  # noqa: F401 - fixtures

SCALE = int(os.environ.get("PERFDESK_FUZZ_SCALE", "1"))
# PERFDESK_FUZZ_STATS=1 (with pytest -s) prints how far the cases got: outcome and reason's start.
STATS: Counter | None = Counter() if os.environ.get("PERFDESK_FUZZ_STATS") else None


def _cases(n: int):
    return settings(max_examples=n * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


NEW_UNIT, NEW_OFFICE = "888001", "109999"
LATER = dt.datetime(2090, 1, 1, tzinfo=dt.timezone.utc)
_TICKS = itertools.count(1)
HOSTILE_TEXT = ["", " ", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2027-06-01T00:00:00",
                "2027-06-01T00:00:00Z", "../../x", "C:/x", "a" * 300, "\x00", "NaN", "1e999", "-1", "1.5",
                "approve", "return", "form", "review", "declaration", "changzhi", "../declaration", UNIT_CODE,
                OFFICE_CODE, NEW_UNIT, "00000000-0000-0000-0000-000000000000", "长" * 70, "\u202e"]
LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.sampled_from([0, 1, -1, 2, 2**31, 10**15]),
                 st.floats(), st.text(max_size=12), st.sampled_from(HOSTILE_TEXT))
HOSTILE = st.recursive(LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                       max_leaves=6)


# --- the world this harness works in --------------------------------------------------------

class Bench:
    """Base packages and the signers that re-sign them; one office and one unit store, imported
    into case after case (so duplicates, updates and older versions are reached too)."""

    def __init__(self, world, folder):
        for name in ("unit.db", "office.db"):
            shutil.copy(world.folder / name, folder / name)
        self.unit, self.office = Store(f"sqlite:///{folder / 'unit.db'}"), Store(f"sqlite:///{folder / 'office.db'}")
        trust_unit(self.office, world)
        received = import_bytes(self.office, world.package, "genuine")
        assert received.status == "imported"
        self.forger = impostor(NEW_UNIT, "冒名单位")  # unknown here: --trust-new lets it in
        self.signers = [self.forger, impostor(UNIT_CODE, "冒充第一中学"), year_one_impostor(NEW_UNIT)]
        self.form = self._forged_form(world)
        review = decide_at(self.office, received.form_instance_id, "approve", folder, office_signer(self.office),
                           opinion="同意", reviewer="张三")
        trust_office(self.unit, world)
        # Valid until 2100, so reviews dated later than every one applied so far still verify.
        self.office_forger = impostor(NEW_OFFICE, "冒名财政局", not_after=dt.datetime(2100, 6, 1, tzinfo=dt.timezone.utc))
        self.review = self._forged_review(review)
        self.genuine_pdf = members(world.package)["form.pdf"]

    def _forged_form(self, world) -> dict[str, bytes]:
        items = members(world.package)
        form = json.loads(items["form.json"])
        form["unit"].update(code=NEW_UNIT, name="冒名单位")
        items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
        items["form.pdf"] = rebound_pdf(items, self.forger)
        items["signer.pem"] = self.forger.cert_pem.encode()
        return items

    def _forged_review(self, package: bytes) -> dict[str, bytes]:
        items = members(package)
        review = json.loads(items["review.json"])
        review["office"] = {"name": "冒名财政局", "code": NEW_OFFICE}
        items["review.json"] = json.dumps(review, ensure_ascii=False).encode()
        return items

    def close(self):
        self.unit.close()
        self.office.close()


@pytest.fixture(scope="module")
def bench(world, tmp_path_factory):
    b = Bench(world, tmp_path_factory.mktemp("resign-fuzz"))
    yield b
    b.close()
    if STATS:
        for (status, reason), n in STATS.most_common():
            print(f"{n:6d}  {status:9s} {reason}")


def manifest_body(items: dict[str, bytes], signer, base: bytes) -> dict:
    """The base manifest, naming `signer`'s unit, listing exactly `items` with true hashes."""
    from perfdesk.package.manifest import digest

    body = json.loads(base)
    body["unit"] = {"name": signer.unit.name, "code": signer.unit.code}
    body["members"] = [{"name": n, "sha256": digest(d), "size": len(d)} for n, d in sorted(items.items())
                       if n not in ("manifest.json", "manifest.sig")]
    return body


def sign(items: dict[str, bytes], signer, body: dict) -> bytes:
    items = dict(items)
    items["manifest.json"] = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode()
    items["manifest.sig"] = keys.sign(signer.key, items["manifest.json"])
    return rezip(items)


def _state(store: Store):
    with store.engine.connect() as conn:
        forms = conn.exec_driver_sql("SELECT id, unit_id, form_id, year, title, status, data, uid, package_version,"
                                     " deleted_at FROM form_instances ORDER BY id").all()
        tally = [conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                 for t in ("units", "revisions", "trusted_keys", "identities")]
    return {row[0]: tuple(row) for row in forms}, tally


def _signed_json(items: dict[str, bytes], name: str):
    try:
        return json.loads(items[name])
    except (KeyError, ValueError):
        return None


def judge(store: Store, package: bytes, items: dict[str, bytes]):
    """The oracle: no exception; refused with nothing changed, or holding exactly what was signed."""
    before_forms, before_tally = _state(store)
    outcome = import_bytes(store, package, "fuzz.pdpkg", trust_new=True)
    if STATS is not None:
        STATS[(outcome.status, outcome.message[:18])] += 1
    after_forms, after_tally = _state(store)
    if outcome.status not in ("imported", "updated"):
        assert outcome.status in ("rejected", "duplicate") and outcome.message, outcome
        assert (after_forms, after_tally) == (before_forms, before_tally), outcome
        return outcome
    target = outcome.form_instance_id
    untouched = {k: v for k, v in after_forms.items() if k != target}
    assert untouched == {k: v for k, v in before_forms.items() if k != target}, outcome
    manifest = json.loads(items["manifest.json"])
    record = store.get_form(target)
    assert record.uid == manifest["form_uid"] and record.package_version == manifest["version"]
    if manifest["kind"] == "form":
        assert (record.form_id, record.year, record.title) == (manifest["form_id"], manifest["year"], manifest["title"])
        form = _signed_json(items, "form.json")
        assert record.data == form["data"], outcome
        assert store.get_unit(record.unit_id).code == manifest["unit"]["code"] == form["unit"]["code"]
    else:
        review = _signed_json(items, "review.json")
        # Only the document and the status may change, and in the document only the signed cells.
        assert after_forms[target][:5] == before_forms[target][:5] and after_forms[target][7:] == before_forms[target][7:]
        old = json.loads(before_forms[target][6])
        finance = review.get("cells", {})  # every cell a review fills (the office's, or the 主管部门's own)
        for path, value in finance.items():
            node = record.data
            for part in path.split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]
            assert node == value, (path, outcome)
        kept = {k: v for k, v in record.data.items() if k not in {p.split(".")[0] for p in finance} and k != "_finance_cells"}
        assert kept == {k: v for k, v in old.items() if k in kept}, outcome
    return outcome


# --- mutations ----------------------------------------------------------------------------------

def _paths(value, prefix=()):
    """Every path into a JSON value (dict keys and list indexes), at most 4 deep."""
    yield prefix
    if len(prefix) >= 4:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from _paths(v, (*prefix, i))


def mutate_json(draw, value):
    """Set, delete or add at one path of a JSON document, in place; returns the document."""
    paths = [p for p in _paths(value) if p]
    action = draw(st.sampled_from(["set", "set", "set", "delete", "add"]))
    if not paths or action == "add":
        parent = value
        for part in draw(st.sampled_from([()] + paths)):
            parent = parent[part]
        if isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "_x", "data", "kind", "unit", "finance", "status"]))] = draw(HOSTILE)
        elif isinstance(parent, list):
            parent.append(draw(HOSTILE))
        return value
    path = draw(st.sampled_from(paths))
    parent = value
    for part in path[:-1]:
        parent = parent[part]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(HOSTILE)
    return value


def mutate_bytes(draw, data: bytes) -> bytes:
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    kind = draw(st.sampled_from(["flip", "truncate", "insert"]))
    if kind == "flip" and data:
        return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    if kind == "truncate":
        return data[:at]
    return data[:at] + draw(st.sampled_from([b"{", b"}", b"[", b'"', b"\\u0000", b"\xff", b",", b"NaN"])) + data[at:]


# --- the cases -------------------------------------------------------------------------------------

@_cases(600)
@given(data=st.data())
def test_resigned_manifests(bench, data):
    signer = data.draw(st.sampled_from(bench.signers))
    items = dict(bench.form, **{"signer.pem": signer.cert_pem.encode()})
    body = manifest_body(items, signer, bench.form["manifest.json"])
    mutate_json(data.draw, body)
    package = sign(items, signer, body)
    judge(bench.office, package, members(package))


@_cases(600)
@given(data=st.data())
def test_resigned_form_documents(bench, data):
    signer = bench.forger
    items = dict(bench.form)
    roll = data.draw(st.integers(0, 9))
    if roll == 0:
        items["form.json"] = mutate_bytes(data.draw, items["form.json"])
    elif roll <= 2:  # an ordinary edit of a text cell: such packages should pass and be imported
        form = json.loads(items["form.json"])
        texts = sorted(k for k, v in form["data"].items() if isinstance(v, str) and v and not k.endswith("date"))
        form["data"][data.draw(st.sampled_from(texts))] = data.draw(st.text(min_size=1, max_size=40))
        items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
    else:
        form = json.loads(items["form.json"])
        # Aim at the document itself most of the time: that is where the rules and the store read.
        target = form["data"] if data.draw(st.booleans()) else form
        mutate_json(data.draw, target)
        items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
    uid = None
    if data.draw(st.integers(0, 3)) == 0:  # re-sign the PDF too: past the binding, into the checks
        if data.draw(st.booleans()):  # a uid of its own, so that what passes is imported, not a conflict
            uid = str(data.draw(st.uuids(version=4)))
            form = _signed_json(items, "form.json")
            if isinstance(form, dict):
                form["form_uid"] = uid
                items["form.json"] = json.dumps(form, ensure_ascii=False).encode()
        items["form.pdf"] = rebound_pdf(items, signer)
    body = manifest_body(items, signer, bench.form["manifest.json"])
    if uid is not None:
        body["form_uid"] = uid
    if data.draw(st.integers(0, 4)) == 0:
        body["version"] = data.draw(st.integers(1, 5))
    package = sign(items, signer, body)
    judge(bench.office, package, members(package))


@_cases(400)
@given(data=st.data())
def test_resigned_members(bench, data):
    signer = bench.forger
    items = dict(bench.form)
    what = data.draw(st.sampled_from(["drop", "attach", "genuine-pdf", "unsigned-pdf", "junk-pdf", "junk-xlsx",
                                      "other-cert", "two-certs", "truncated-pdf", "extra-name"]))
    if what == "drop":
        del items[data.draw(st.sampled_from(sorted(items)))]
    elif what == "attach":
        items[data.draw(st.sampled_from(["attachments/说明.txt", "attachments/a.pdf", "attachments/CON",
                                         "attachments/../x", "attachments/x/y"]))] = data.draw(st.binary(max_size=64))
    elif what == "genuine-pdf":
        items["form.pdf"] = bench.genuine_pdf  # the real unit's signed PDF of another unit's data
    elif what == "unsigned-pdf":
        items["form.pdf"] = unsigned_pdf(items["form.pdf"])
    elif what == "junk-pdf":
        items["form.pdf"] = b"%PDF-1.7\n" + data.draw(st.binary(max_size=200))
    elif what == "truncated-pdf":
        items["form.pdf"] = items["form.pdf"][:data.draw(st.integers(0, len(items["form.pdf"]) - 1))]
    elif what == "junk-xlsx":
        items["form.xlsx"] = data.draw(st.binary(max_size=200))
    elif what == "other-cert":
        items["signer.pem"] = data.draw(st.sampled_from(bench.signers[1:])).cert_pem.encode()
    elif what == "two-certs":
        items["signer.pem"] = signer.cert_pem.encode() + bench.signers[1].cert_pem.encode()
    else:
        items[data.draw(st.sampled_from(["extra.bin", "form.json.bak", "FORM.JSON", "review.json"]))] = b"{}"
    body = manifest_body(items, signer, bench.form["manifest.json"])
    package = sign(items, signer, body)
    judge(bench.office, package, members(package))


@_cases(500)
@given(data=st.data())
def test_resigned_reviews(bench, data):
    signer = data.draw(st.sampled_from([bench.office_forger, bench.office_forger, impostor(OFFICE_CODE, "冒充财政局")]))
    items = dict(bench.review, **{"signer.pem": signer.cert_pem.encode()})
    review = json.loads(items["review.json"])
    review["office"] = {"name": signer.unit.name, "code": signer.unit.code}
    choice = data.draw(st.integers(0, 9))
    if choice < 5:  # the finance cells: the office's part of the document
        finance = review["cells"]  # every cell a review fills (the office's, or the 主管部门's own)
        path = data.draw(st.sampled_from(["finance_dept_opinion", "finance_dept_reviewer", "perf_mgmt_opinion",
                                          "fund_sources.appropriation.actual", "fund_sources.total.actual",
                                          "project_name", "expense_details.0.note", "expense_details.99.actual",
                                          "_finance_cells", "fund_sources", ""]))
        finance[path] = data.draw(HOSTILE)
    elif choice < 9:
        mutate_json(data.draw, review)
    else:
        items["review.json"] = mutate_bytes(data.draw, json.dumps(review, ensure_ascii=False).encode())
    if choice < 9:
        items["review.json"] = json.dumps(review, ensure_ascii=False).encode()
    body = manifest_body(items, signer, bench.review["manifest.json"])
    if data.draw(st.booleans()):  # later than any review applied so far: not refused as older
        body["created_at"] = (LATER + dt.timedelta(minutes=next(_TICKS))).isoformat().replace("+00:00", "Z")
    package = sign(items, signer, body)
    judge(bench.unit, package, members(package))


def test_the_harness_reaches_imports(bench):
    """The oracle is not vacuous: a forged form and review, unchanged but for a new uid, do import
    under --trust-new, and the store then holds what they signed."""
    form = dict(bench.form)
    doc = json.loads(form["form.json"])
    doc["form_uid"] = "0f0f0f0f-0000-4000-8000-000000000001"
    form["form.json"] = json.dumps(doc, ensure_ascii=False).encode()
    form["form.pdf"] = rebound_pdf(form, bench.forger)
    body = dict(manifest_body(form, bench.forger, bench.form["manifest.json"]), form_uid=doc["form_uid"])
    package = sign(form, bench.forger, body)
    outcome = judge(bench.office, package, members(package))
    assert outcome.status == "imported", outcome
    review = dict(bench.review, **{"signer.pem": bench.office_forger.cert_pem.encode()})
    body = dict(manifest_body(review, bench.office_forger, bench.review["manifest.json"]),
                created_at="2099-12-31T00:00:00Z")
    package = sign(review, bench.office_forger, body)
    outcome = judge(bench.unit, package, members(package))
    assert outcome.status == "imported", outcome
