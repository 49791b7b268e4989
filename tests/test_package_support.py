"""Shared set-up for the package tests: a unit store and a finance office store, each with a
signing identity, and one signed package, built once per session and copied per test."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from perfdesk.store import Store

YEAR = 2027
UNIT_CODE, OFFICE_CODE = "201003", "101001"
UNIT_PASS, OFFICE_PASS = "unit-passphrase", "office-passphrase"
REPAIR = "2027年校舍维修改造项目"  # demo form that passes every check
OFFICE = dict(name="长治市财政局", code=OFFICE_CODE, supervisor_name="长治市财政局", supervisor_code="101",
              region="长治市", level="市级", profile="changzhi")


def seal_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((6, 6, 234, 234), outline=(220, 0, 0, 255), width=10)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclass
class World:
    folder: Path
    package: bytes  # v1 of REPAIR, signed by the unit, with the seal
    unit_fp: str
    office_fp: str
    form_id: int  # REPAIR's id in the unit store

    def stores(self, tmp: Path, new_db_url=None, backend: str = "sqlite") -> tuple[Store, Store]:
        """Fresh copies of the unit's and the office's databases for one test: SQLite files, or
        on PostgreSQL new databases of the conftest factory new_db_url, copied with db copy."""
        if backend != "sqlite":
            from perfdesk.store.copy import copy_database

            urls = []
            for name in ("unit.db", "office.db"):
                urls.append(new_db_url(name))
                copy_database(f"sqlite:///{self.folder / name}", urls[-1])
            return Store(urls[0]), Store(urls[1])
        for name in ("unit.db", "office.db"):
            shutil.copy(self.folder / name, tmp / name)
        return Store(f"sqlite:///{tmp / 'unit.db'}"), Store(f"sqlite:///{tmp / 'office.db'}")


def form_id_by_title(store: Store, title: str) -> int:
    return next(f.id for f in store.list_forms() if f.title == title)


@pytest.fixture(scope="session")
def world(tmp_path_factory, demo_templates) -> World:
    from perfdesk.app.form_submission import package_form
    from perfdesk.package.identity import create_identity, load_signer

    folder = tmp_path_factory.mktemp("world")
    unit = Store(demo_templates.copy("full", folder / "unit.db"))  # load_demo(unit, YEAR)
    office = Store(f"sqlite:///{folder / 'office.db'}")
    try:
        u = unit.unit_by_code(UNIT_CODE)
        unit_fp = create_identity(unit, u.id, UNIT_PASS).fingerprint
        o = office.add_unit(**OFFICE)
        office.set_setting("role", "finance")
        office_fp = create_identity(office, o.id, OFFICE_PASS).fingerprint
        form_id = form_id_by_title(unit, REPAIR)
        built = package_form(unit, form_id, load_signer(unit, u.id, UNIT_PASS), folder / "v1.pdpkg",
                             seal_png=seal_png())
    finally:
        unit.close()
        office.close()
    return World(folder, built.data, unit_fp, office_fp, form_id)


@pytest.fixture
def stores(world, tmp_path, new_db_url, db_backend):
    unit, office = world.stores(tmp_path, new_db_url, db_backend)
    yield unit, office
    unit.close()
    office.close()
    for store in (unit, office):
        if store.url.startswith("sqlite:///"):
            with sqlite3.connect(store.url.removeprefix("sqlite:///")) as con:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def trust_unit(office: Store, world: World) -> None:
    office.add_trusted_key(unit_code=UNIT_CODE, unit_name="长治市第一中学", role="unit", fingerprint=world.unit_fp)


def trust_office(unit: Store, world: World) -> None:
    unit.add_trusted_key(unit_code=OFFICE_CODE, unit_name="长治市财政局", role="office", fingerprint=world.office_fp)


def unit_signer(unit: Store):
    from perfdesk.package.identity import load_signer

    return load_signer(unit, unit.unit_by_code(UNIT_CODE).id, UNIT_PASS)


def office_signer(office: Store):
    from perfdesk.package.identity import load_signer

    return load_signer(office, office.unit_by_code(OFFICE_CODE).id, OFFICE_PASS)


# --- taking packages apart and putting them back --------------------------------------------

def members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(items: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    """A well-formed zip of exactly these members (so only our own checks can refuse it)."""
    out = io.BytesIO()
    pairs = items.items() if isinstance(items, dict) else items
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in pairs:
            info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def unsigned_pdf(pdf: bytes) -> bytes:
    """The rendering before it was signed: the PDF's first revision (ReportLab writes one %%EOF)."""
    return pdf[:pdf.index(b"%%EOF") + len(b"%%EOF\n")]


def rebound_pdf(items: dict[str, bytes], signer) -> bytes:
    """form.pdf signed afresh by `signer`, bound to the (changed) form.json in `items`."""
    from perfdesk.package.manifest import digest
    from perfdesk.package.pdfsign import sign_pdf

    return sign_pdf(unsigned_pdf(items["form.pdf"]), signer, form_sha256=digest(items["form.json"]))


def resign(items: dict[str, bytes], signer, manifest_body: dict | None = None, *, rebind_pdf: bool = False) -> bytes:
    """Re-sign a (changed) manifest with `signer`: a validly signed package with other content.
    rebind_pdf: sign form.pdf again too, as a sender who changed form.json would."""
    from perfdesk.package import keys
    from perfdesk.package.manifest import canonical, digest

    items = dict(items, **{"signer.pem": signer.cert_pem.encode("ascii")})
    if rebind_pdf:
        items["form.pdf"] = rebound_pdf(items, signer)
    body = manifest_body if manifest_body is not None else json.loads(items["manifest.json"])
    listed = {m["name"] for m in body["members"]}
    body["members"] = [{"name": n, "sha256": digest(items[n]), "size": len(items[n])} for n in sorted(listed)]
    items["manifest.json"] = canonical(body)
    items["manifest.sig"] = keys.sign(signer.key, items["manifest.json"])
    return rezip(items)


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                for t in ("units", "form_instances", "revisions", "identities", "trusted_keys", "inbox")}


def decide_at(store: Store, form_instance_id: int, decision: str, folder: Path, signer=None, **kw):
    """One level's decision at a reviewing store; the package bytes when it sends one, else None."""
    from perfdesk.app.review_moves import decide

    target = folder / f"decision-{form_instance_id}-{len(list(folder.glob('decision-*')))}.pdpkg"
    made = decide(store, form_instance_id, signer, decision=decision, target=target, **kw)
    return None if made.built is None else made.built.data


def back_to_unit(unit: Store, form_instance_id: int, status: str = "returned") -> None:
    """As if the answer had come back (the tests of the answer itself are in test_review_chain.py)."""
    from conftest import put_status

    put_status(unit, form_instance_id, status)


def impostor(code: str = UNIT_CODE, name: str = "冒名单位", *, not_before=None, not_after=None):
    """A signer with a key of its own making and a certificate naming `code`, as anyone can make."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from perfdesk.package import keys
    from perfdesk.package.identity import Signer
    from perfdesk.store import UnitRecord

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, code)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=1))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
            .sign(key, hashes.SHA256()))
    unit = UnitRecord(id=0, name=name, code=code, supervisor_name=name, supervisor_code=code, region="",
                      level="市级", profile="changzhi", created_at=now)
    return Signer(unit=unit, cert=cert, key=key, fingerprint=keys.fingerprint(cert))


def manifest_of(package: bytes) -> dict:
    return json.loads(members(package)["manifest.json"])


def year_one_impostor(code: str = UNIT_CODE):
    """An impostor whose certificate is valid from 0001-01-01 (cryptography's builder refuses dates
    before 1950, so the GeneralizedTime is rewritten in the DER and the certificate signed again)."""
    import dataclasses
    import datetime as dt

    from asn1crypto import x509 as ax509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    utc = dt.timezone.utc
    signer = impostor(code, not_before=dt.datetime(2050, 1, 1, tzinfo=utc), not_after=dt.datetime(2099, 1, 1, tzinfo=utc))
    der = signer.cert.public_bytes(serialization.Encoding.DER).replace(b"20500101000000Z", b"00010101000000Z")
    parsed = ax509.Certificate.load(der)
    signature = signer.key.sign(parsed["tbs_certificate"].dump(), ec.ECDSA(hashes.SHA256()))
    cert = ax509.Certificate({"tbs_certificate": parsed["tbs_certificate"],
                              "signature_algorithm": parsed["signature_algorithm"], "signature_value": signature})
    return dataclasses.replace(signer, cert=x509.load_der_x509_certificate(cert.dump()))
