"""PAdES signature on the printed form, so form.pdf proves its signer even outside the package,
with the unit's seal (公章) as the visible signature appearance at the 盖章 place on page 1.

The PDF is bound to the data it prints: before signing, the document information dictionary gets
the SHA-256 of the package's form.json (/PerfDeskFormSHA256), in the very revision the signature
covers. The office reads it from that signed revision (a later incremental update may rewrite
/Info without pyHanko calling that a modification) and compares it with form.json. We chose this
over re-rendering and comparing: a re-rendering equals the unit's only with the same PerfDesk,
ReportLab, fonts and profile files, so any upgrade on either side would refuse genuine packages,
and rendering costs a quarter second per import; the hash costs nothing and the unit's signature
makes the unit answerable for the PDF saying it renders exactly that form.json.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from perfdesk.package.package_errors import PackageError
from perfdesk.package.identity import Signer

FIELD = "PerfDeskSignature"
SEAL_SIZE = 113.0  # points: a 40 mm round seal, the size of an official 公章
MAX_SEAL_BYTES = 5 * 1024 * 1024
MAX_SEAL_PIXELS = 4000 * 4000
DATA_KEY = "/PerfDeskFormSHA256"
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class PdfCheck:
    intact: bool
    valid: bool
    trusted: bool
    signer_name: str
    signed_at: dt.datetime | None
    summary: str  # pyHanko's own summary, for the record; `problem` is what a person reads
    problem: str | None = None  # why the PDF is not the signer's unchanged rendering of form.json

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def text(self) -> str:
        """One Chinese line for `verify` and the inbox."""
        if self.ok:
            return f"有效（签名人 {self.signer_name}，签名后未被改动，与 form.json 一致）"
        return f"无效——{self.problem}"


def _failed(problem: str, summary: str = "") -> PdfCheck:
    return PdfCheck(False, False, False, "", None, summary, problem)


def _quiet() -> None:
    """pyHanko logs its English warnings and tracebacks; they must never reach the user's output
    (with no handler of their own they would go to stderr through logging's last resort)."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        log = logging.getLogger(name)
        if not log.handlers:
            log.addHandler(logging.NullHandler())
        log.propagate = False


def _asn1(signer: Signer):
    from asn1crypto import keys as akeys
    from asn1crypto import x509 as ax509

    cert = ax509.Certificate.load(signer.cert.public_bytes(serialization.Encoding.DER))
    key = akeys.PrivateKeyInfo.load(signer.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert, key


def _seal_box(pdf: bytes) -> tuple[float, float, float, float]:
    """A seal-sized box centred on “盖章” on page 1; the top right corner if the form has none."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    try:
        page = doc[0]
        width, height = page.get_size()
        text = page.get_textpage()
        match = text.search("盖章").get_next()
        if match:
            # Over the end of “（盖章）：” and the start of the unit's name, as a seal is pressed.
            left, bottom, right, top = text.get_charbox(match[0] + 1)
            x, y = right + 25, (bottom + top) / 2
        else:
            x, y = width - 40 - SEAL_SIZE / 2, height - 40 - SEAL_SIZE / 2
    finally:
        doc.close()
    half = SEAL_SIZE / 2
    x = min(max(x, half), width - half)
    y = min(max(y, half), height - half)
    return (x - half, y - half, x + half, y + half)


def _seal_style(seal_png: bytes):
    from PIL import Image, UnidentifiedImageError
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.stamp import StaticStampStyle

    if len(seal_png) > MAX_SEAL_BYTES:
        raise PackageError("公章图片超过 5 MB，请使用较小的 PNG 图片")
    try:
        image = Image.open(io.BytesIO(seal_png))
        if image.width * image.height > MAX_SEAL_PIXELS:
            raise PackageError("公章图片尺寸过大，请使用 4000×4000 像素以内的图片")
        image = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PackageError("无法读取公章图片，请提供 PNG 格式的图片") from exc
    return StaticStampStyle(background=PdfImage(image), border_width=0, background_opacity=1.0)


def _bind(writer, form_sha256: str) -> None:
    """Put form.json's SHA-256 in a fresh /Info of the revision the signature is about to cover."""
    from pyhanko.pdf_utils import generic

    old = writer.prev.trailer_view.get("/Info")
    info = generic.DictionaryObject(dict(old.get_object().items()) if old is not None else {})
    info[generic.NameObject(DATA_KEY)] = generic.TextStringObject(form_sha256)
    writer.set_info(info)


def sign_pdf(pdf: bytes, signer: Signer, seal_png: bytes | None = None, *, form_sha256: str) -> bytes:
    """form.pdf signed by `signer`, declaring itself the rendering of the form.json with that hash."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    _quiet()
    cert, key = _asn1(signer)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason="预算绩效表单报送", name=signer.name)
    style, spec = None, None
    if seal_png is not None:
        style = _seal_style(seal_png)
        spec = fields.SigFieldSpec(FIELD, on_page=0, box=_seal_box(pdf))
    simple = signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    _bind(writer, form_sha256)
    out = signers.PdfSigner(meta, signer=simple, stamp_style=style, new_field_spec=spec).sign_pdf(writer)
    return out.getvalue()


def _bound_hash(reader, embedded) -> str | None:
    """The form.json hash as the signed revision states it, or None."""
    info = reader.get_historical_resolver(embedded.signed_revision).trailer_view.get("/Info")
    value = None if info is None else info.get_object().get(DATA_KEY)
    text = str(value) if value is not None else ""
    return text if _SHA.match(text) else None


def check_pdf(pdf: bytes, signer: x509.Certificate, *, form_sha256: str) -> PdfCheck:
    """Whether form.pdf carries exactly one signature, by the package's signer, intact, with no
    change after it but document-security (LTV) additions, declaring the rendering of form.json."""
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from perfdesk.package import keys

    _quiet()
    anchor = ax509.Certificate.load(signer.public_bytes(serialization.Encoding.DER))
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return _failed(f"form.pdf 中有 {len(signatures)} 个签名，应当恰好 1 个")
        embedded = signatures[0]
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[anchor]))
        pdf_signer = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        bound = _bound_hash(reader, embedded)
        summary = summary_text(status.intact, status.valid, status.trusted, getattr(status, "revoked", False),
                               getattr(status, "coverage", None))
        level = status.modification_level
        name = keys.subject_name(pdf_signer)
    except Exception:  # noqa: BLE001 - pyHanko reports a malformed PDF in many ways, all in English
        return _failed("form.pdf 已损坏或其签名无法解析")
    if not (status.intact and status.valid):
        problem = "form.pdf 的签名与内容不符（签名后被改动过，或签名已损坏）"
    elif keys.fingerprint(pdf_signer) != keys.fingerprint(signer):
        problem = f"form.pdf 是由“{name}”签名的，不是本数据包的签名人"
    elif not status.docmdp_ok or level is None or level > ModificationLevel.LTA_UPDATES:
        problem = "form.pdf 在签名之后被修改过（增量更新改动了页面或内容）"
    elif bound is None:
        problem = "form.pdf 没有记录它所打印的表单数据（可能由旧版 PerfDesk 生成），请对方用新版重新打包"
    elif bound != form_sha256:
        problem = "form.pdf 打印的不是本数据包的 form.json（可能来自另一份表单或另一个版本）"
    else:
        problem = None
    return PdfCheck(status.intact, status.valid, status.trusted, name, status.signer_reported_dt, summary, problem)


def summary_text(intact: bool, valid: bool, trusted: bool, revoked: bool = False, coverage=None) -> str:
    """pyHanko's “INTACT:TRUSTED,UNTOUCHED” said in Chinese: content, signature, certificate, later changes."""
    if not (intact and valid):
        return "签名与文件内容不符，文件可能已被改动"
    parts = ["文件内容未被改动", "签名有效",
             "证书可信" if trusted else ("证书已被吊销" if revoked else "证书未登记为可信")]
    if coverage is not None:
        whole = getattr(coverage, "name", "") in ("ENTIRE_FILE", "ENTIRE_REVISION")
        parts.append("签名覆盖整个文件" if getattr(coverage, "name", "") == "ENTIRE_FILE"
                     else ("签名后有追加内容" if whole else "签名只覆盖文件的一部分"))
    return "，".join(parts)
