"""Mutated packages fed to the verifier and the importer: they never crash (only our user-facing
errors, reported as a rejection), and never import anything the unit did not sign."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdesk.errors import UserError
from perfdesk.package.importer import import_bytes
from perfdesk.package.verifier import verify_package
from perfdesk.store import Store
from test_package_support import counts, members, rezip, trust_unit, world  # noqa: F401 - fixtures

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def office(world, tmp_path_factory):
    """An office that already imported the genuine package, so any authentic re-wrapping of it
    shows as 'duplicate' and anything else must be rejected."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'office.db'}")
    store.set_setting("role", "finance")
    trust_unit(store, world)
    assert import_bytes(store, world.package, "genuine").status == "imported"
    yield store
    store.close()


def _content_state(store: Store):
    c = counts(store)
    forms = [(f.uid, f.package_version, f.data, f.status) for f in store.list_forms()]
    return {k: c[k] for k in ("units", "form_instances", "revisions", "trusted_keys")}, forms


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "repeat"]))
    at = draw(st.integers(0, len(data) - 1))
    if kind == "flip":
        return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
    if kind == "set":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)):]
    if kind == "truncate":
        return data[:at]
    end = min(len(data), at + draw(st.integers(1, 512)))
    return data[:end] + data[at:end] + data[end:]


def _check(office, package: bytes, original: dict[str, bytes]) -> None:
    try:
        verified = verify_package(package, office)
    except UserError:
        verified = None
    if verified is not None:  # only an authentic re-wrapping may verify: the very same signed members
        assert verified.members == original
    before = _content_state(office)
    outcome = import_bytes(office, package, "fuzz.pdpkg")  # must not raise
    assert outcome.status in ("rejected", "duplicate"), outcome
    assert _content_state(office) == before


@FUZZ
@given(data=st.data())
def test_mutated_zip_bytes_never_import(world, office, data):
    package = data.draw(byte_mutation(world.package))
    _check(office, package, members(world.package))


@FUZZ
@given(data=st.data())
def test_mutated_members_never_import(world, office, data):
    original = members(world.package)
    items = dict(original)
    name = data.draw(st.sampled_from(sorted(items)))
    items[name] = data.draw(byte_mutation(items[name]))
    if data.draw(st.booleans()):
        extra = data.draw(st.sampled_from(["attachments/x.txt", "../x", "form.json", "manifest.json"]))
        items.setdefault(extra, b"x")
    _check(office, rezip(items), original)


@FUZZ
@given(data=st.data())
def test_mutated_manifest_values_never_import(world, office, data):
    original = members(world.package)
    items = dict(original)
    body = json.loads(items["manifest.json"])
    key = data.draw(st.sampled_from(sorted(body)))
    body[key] = data.draw(st.one_of(st.none(), st.booleans(), st.integers(-2, 2**40), st.text(max_size=20),
                                    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                                         st.text(max_size=5))))
    items["manifest.json"] = json.dumps(body, ensure_ascii=False).encode()
    _check(office, rezip(items), original)
